"""Channel adapters (Telegram, Zalo, console) behind one small port; only this package imports chat SDKs."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.core.ports import Channel
    from bot.core.config import Settings


def build_channels(settings: "Settings") -> dict[str, "Channel"]:
    """The chat services configured in `settings`, keyed by channel name (empty: none configured)."""
    channels: dict[str, Channel] = {}
    if settings.telegram_token:
        from bot.channels.telegram import TelegramChannel

        channels["telegram"] = TelegramChannel(settings)
    if settings.zalo_token:
        from bot.channels.zalo import ZaloChannel

        channels["zalo"] = ZaloChannel(settings)
    if settings.zalo_oa_app_id and settings.zalo_oa_app_secret:
        from bot.channels.zalo_oa import ZaloOAChannel

        channels["zalo_oa"] = ZaloOAChannel(settings)
    return channels
