// Starts the telegram-test-api Bot API emulator (npm, 4.2.1) with the run-time fixes stock PTB 22 needs.
//
// Usage: node launch.js            -> listens on 127.0.0.1:<free port>, prints {"port": N} on stdout,
//                                     exits when stdin closes (so it never outlives the test process).
// Fixes and additions:
//   getMe with is_bot; message dates in seconds; edits return the Message and honour reply_markup;
//   callback queries with chat_instance; getUpdates honours offset and timeout (long polling);
//   HTML texts checked as Telegram does (tags, entities, 4096 characters);
//   stubs for setMyCommands, getMyCommands, sendChatAction, getChatMember, getChat, ...; getFile and downloads;
//   /control/* routes: fail the next call of a method with a chosen Telegram error, push raw updates
//   (my_chat_member, migrate service messages), set chat member statuses, read recorded calls and messages.
'use strict';

const express = require('express'); // telegram-test-api's own dependency
const TelegramServer = require('telegram-test-api');

const BOT_USERNAME = process.env.EMULATOR_BOT_USERNAME || 'cchc_test_bot';
// The package's own listener is never started (its port 0 would mean 9000): ours below serves its routes.
const server = new TelegramServer({ host: '127.0.0.1', storeTimeout: 3600 });
const state = {
  calls: {}, // token -> [{method, params, at}]
  failures: {}, // token -> method -> [failure]
  members: {}, // token -> "chat:user" -> status
  commands: {}, // token -> [scope, language] key -> commands
  descriptions: {}, // token -> "field:language" -> text
  chats: {}, // chat id -> chat object seen in updates
  files: {}, // token -> file_id -> Buffer, served by getFile and /file/bot<token>/documents/<file_id>
};

function listFor(table, token) {
  if (!table[token]) table[token] = [];
  return table[token];
}

// Parameters PTB sends JSON-encoded inside a form body.
const JSON_FIELDS = ['reply_markup', 'scope', 'commands', 'link_preview_options', 'allowed_updates', 'entities',
  'reply_parameters'];

function params(req) {
  let body = req.body;
  if (Buffer.isBuffer(body)) { // an upload: fields as parameters, files described (and kept, base64)
    const parsed = parseMultipart(body, req.headers['content-type']);
    body = Object.assign({}, parsed.fields);
    for (const [field, f] of Object.entries(parsed.files)) {
      body[field] = { file_name: f.filename, mime_type: f.type, size: f.data.length, content_base64: f.data.toString('base64') };
    }
  }
  const out = Object.assign({}, req.query, body);
  for (const k of JSON_FIELDS) {
    if (typeof out[k] === 'string') {
      try { out[k] = JSON.parse(out[k]); } catch (e) { /* keep the string */ }
    }
  }
  return out;
}

// What Telegram would refuse in an HTML text: unknown tags, bare & < >, more than 4096 characters once parsed.
function htmlProblem(text) {
  const stripped = String(text || '').replace(/<a href="[^"<>]*">|<\/a>|<\/?(b|i|u|s|code|pre)>/g, '');
  if (/[<>]/.test(stripped)) return "Bad Request: can't parse entities: unsupported start tag";
  if (/&(?!(amp|lt|gt|quot|#\d+);)/.test(stripped)) return "Bad Request: can't parse entities: unescaped &";
  const visible = stripped.replace(/&(amp|lt|gt|quot|#\d+);/g, 'x');
  if (!visible.trim()) return 'Bad Request: message text is empty';
  if (visible.length > 4096) return 'Bad Request: message is too long'; // UTF-16 units, as Telegram counts
  return null;
}

// Command menus are kept per scope and language, as Telegram keeps them.
function commandsKey(p) {
  const scope = p.scope || { type: 'default' };
  const canonical = Object.keys(scope).sort().map((k) => [k, String(scope[k])]);
  return JSON.stringify([canonical, p.language_code || '']);
}

function describe(token, field, p) {
  if (!state.descriptions[token]) state.descriptions[token] = {};
  state.descriptions[token][`${field}:${p.language_code || ''}`] = p[field] || '';
}

function described(token, field, p) {
  const table = state.descriptions[token] || {};
  const own = table[`${field}:${p.language_code || ''}`];
  return own !== undefined ? own : (table[`${field}:`] || '');
}

function botUser(token) {
  return { id: Number(String(token).split(':')[0]) || 1, is_bot: true, first_name: 'Trợ lý CCHC', username: BOT_USERNAME };
}

function chatFor(chatId) {
  const id = Number(chatId);
  if (state.chats[id]) return state.chats[id];
  if (id > 0) return { id, type: 'private', first_name: 'User' };
  return { id, type: String(id).startsWith('-100') ? 'supergroup' : 'group', title: `Group ${id}` };
}

function seconds(t) {
  return t > 1e11 ? Math.floor(t / 1000) : t;
}

function rememberChats(update) {
  const found = [update.message && update.message.chat, update.my_chat_member && update.my_chat_member.chat,
    update.callback_query && update.callback_query.message && update.callback_query.message.chat];
  for (const chat of found) if (chat && chat.id !== undefined) state.chats[Number(chat.id)] = chat;
}

// The stored bot message as Telegram would return it.
function asMessage(stored, token) {
  const m = stored.message;
  const out = {
    message_id: stored.messageId, date: seconds(stored.time), chat: chatFor(m.chat_id), from: botUser(token), text: m.text,
  };
  if (m.reply_markup && m.reply_markup.inline_keyboard) out.reply_markup = m.reply_markup;
  if (stored.file) {
    const id = `file-${stored.messageId}`;
    if (stored.file.kind === 'photo') {
      out.photo = [{ file_id: id, file_unique_id: `u${id}`, width: 800, height: 600, file_size: stored.file.size }];
    } else {
      out.document = { file_id: id, file_unique_id: `u${id}`, file_name: stored.file.file_name,
        mime_type: stored.file.mime_type, file_size: stored.file.size };
    }
    delete out.text;
    if (m.caption) out.caption = m.caption;
  }
  if (stored.editedAt) out.edit_date = seconds(stored.editedAt);
  return out;
}

// An uploaded document or photo, stored as a bot message with its caption; as Telegram, a caption is at most 1024.
function sendFile(token, p, res, kind) {
  const file = p[kind];
  if (!file || typeof file !== 'object') return fail(res, 400, `Bad Request: there is no ${kind} in the request`);
  if (file.size === 0) return fail(res, 400, 'Bad Request: file must be non-empty');
  if (p.caption && String(p.caption).replace(/<[^>]*>/g, '').length > 1024) {
    return fail(res, 400, 'Bad Request: message caption is too long');
  }
  const problem = p.caption && p.parse_mode === 'HTML' ? htmlProblem(p.caption) : null;
  if (problem) return fail(res, 400, problem);
  server.addBotMessage(Object.assign({}, p, { text: p.caption || '' }), token);
  const stored = server.storage.botMessages[server.storage.botMessages.length - 1];
  stored.file = { kind, file_name: file.file_name, mime_type: file.mime_type, size: file.size };
  ok(res, asMessage(stored, token));
}

function findBotMessage(token, p) {
  return server.storage.botMessages.find((u) => u.botToken === token
    && String(u.messageId) === String(p.message_id) && String(u.message.chat_id) === String(p.chat_id));
}

function formatUpdate(update) {
  if (update.raw) return Object.assign({ update_id: update.updateId }, update.raw);
  const formatted = TelegramServer.formatUpdate(update);
  if (formatted.message) {
    delete formatted.message.botToken;
    formatted.message.date = seconds(formatted.message.date || update.time);
  }
  if (formatted.callback_query) {
    formatted.callback_query.chat_instance = formatted.callback_query.chat_instance || 'emulator';
    delete formatted.callback_query.botToken;
  }
  return formatted;
}

const waiting = new Set(); // resolvers of long polls
function wakePollers() {
  for (const resolve of [...waiting]) resolve();
}
for (const ev of ['AddedUserMessage', 'AddedUserCommand', 'AddedUserCallbackQuery']) server.on(ev, wakePollers);

function pending(token, offset) {
  server.storage.userMessages = server.storage.userMessages.filter((u) => u.botToken !== token || u.updateId >= offset);
  return server.storage.userMessages.filter((u) => u.botToken === token);
}

const ok = (res, result) => res.json({ ok: true, result });
const fail = (res, code, description, parameters) => res.status(code).json(
  Object.assign({ ok: false, error_code: code, description }, parameters ? { parameters } : {}));

const methods = {
  getMe: (token, p, res) => ok(res, Object.assign(botUser(token), {
    can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false,
  })),
  async getUpdates(token, p, res) {
    const offset = Number(p.offset || 0);
    let updates = pending(token, offset);
    const timeout = Math.min(Number(p.timeout || 0), 30);
    if (!updates.length && timeout > 0) {
      await new Promise((resolve) => {
        const done = () => { waiting.delete(done); clearTimeout(timer); resolve(); };
        const timer = setTimeout(done, timeout * 1000);
        waiting.add(done);
      });
      updates = pending(token, offset);
    }
    const limit = Number(p.limit || 100);
    const out = updates.slice(0, limit).map(formatUpdate);
    out.forEach(rememberChats);
    ok(res, out);
  },
  sendMessage(token, p, res) {
    const problem = p.parse_mode === 'HTML' ? htmlProblem(p.text) : null;
    if (problem) return fail(res, 400, problem);
    server.addBotMessage(Object.assign({}, p), token);
    const stored = server.storage.botMessages[server.storage.botMessages.length - 1];
    ok(res, asMessage(stored, token));
  },
  editMessageText(token, p, res) {
    const stored = findBotMessage(token, p);
    if (!stored) return fail(res, 400, 'Bad Request: message to edit not found');
    const problem = p.parse_mode === 'HTML' ? htmlProblem(p.text) : null;
    if (problem) return fail(res, 400, problem);
    const markup = p.reply_markup && p.reply_markup.inline_keyboard ? p.reply_markup : undefined;
    if (stored.message.text === p.text && JSON.stringify(stored.message.reply_markup) === JSON.stringify(markup)) {
      return fail(res, 400, 'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message');
    }
    stored.message = Object.assign({}, stored.message, { text: p.text, parse_mode: p.parse_mode, reply_markup: markup });
    stored.editedAt = Date.now();
    ok(res, asMessage(stored, token));
  },
  editMessageReplyMarkup(token, p, res) {
    const stored = findBotMessage(token, p);
    if (!stored) return fail(res, 400, 'Bad Request: message to edit not found');
    const markup = p.reply_markup && p.reply_markup.inline_keyboard ? p.reply_markup : undefined;
    stored.message = Object.assign({}, stored.message, { reply_markup: markup });
    stored.editedAt = Date.now();
    ok(res, asMessage(stored, token));
  },
  sendDocument: (token, p, res) => sendFile(token, p, res, 'document'),
  sendPhoto: (token, p, res) => sendFile(token, p, res, 'photo'),
  answerCallbackQuery: (token, p, res) => ok(res, true),
  setMyCommands(token, p, res) {
    if (!state.commands[token]) state.commands[token] = {};
    const commands = p.commands || [];
    if (commands.length > 100) return fail(res, 400, 'Bad Request: too many commands');
    for (const c of commands) {
      if (!/^[a-z0-9_]{1,32}$/.test(c.command)) return fail(res, 400, 'Bad Request: BOT_COMMAND_INVALID');
      if (!c.description || c.description.length > 256) return fail(res, 400, 'Bad Request: BOT_COMMAND_DESCRIPTION_INVALID');
    }
    state.commands[token][commandsKey(p)] = commands;
    ok(res, true);
  },
  getMyCommands: (token, p, res) => ok(res, ((state.commands[token] || {})[commandsKey(p)]) || []),
  deleteMyCommands(token, p, res) {
    delete (state.commands[token] || {})[commandsKey(p)];
    ok(res, true);
  },
  setMyDescription(token, p, res) {
    if (String(p.description || '').length > 512) return fail(res, 400, 'Bad Request: description is too long');
    describe(token, 'description', p);
    ok(res, true);
  },
  setMyShortDescription(token, p, res) {
    if (String(p.short_description || '').length > 120) return fail(res, 400, 'Bad Request: short description is too long');
    describe(token, 'short_description', p);
    ok(res, true);
  },
  getMyDescription: (token, p, res) => ok(res, { description: described(token, 'description', p) }),
  getMyShortDescription: (token, p, res) => ok(res, { short_description: described(token, 'short_description', p) }),
  getFile(token, p, res) {
    const data = (state.files[token] || {})[p.file_id];
    if (!data) return fail(res, 400, 'Bad Request: invalid file_id');
    ok(res, { file_id: p.file_id, file_unique_id: `u-${p.file_id}`, file_size: data.length, file_path: `documents/${p.file_id}` });
  },
  sendChatAction: (token, p, res) => ok(res, true),
  deleteWebhook: (token, p, res) => ok(res, true),
  getWebhookInfo: (token, p, res) => ok(res, { url: '', has_custom_certificate: false, pending_update_count: 0 }),
  leaveChat: (token, p, res) => ok(res, true),
  getChat: (token, p, res) => ok(res, Object.assign({ accent_color_id: 0, max_reaction_count: 11 }, chatFor(p.chat_id))),
  getChatMember(token, p, res) {
    const status = ((state.members[token] || {})[`${p.chat_id}:${p.user_id}`]) || 'member';
    const member = { status, user: { id: Number(p.user_id), is_bot: false, first_name: 'User' } };
    if (status === 'creator') member.is_anonymous = false;
    if (status === 'administrator') {
      Object.assign(member, {
        can_be_edited: false, is_anonymous: false, can_manage_chat: true, can_delete_messages: true,
        can_manage_video_chats: true, can_restrict_members: true, can_promote_members: false, can_change_info: true,
        can_invite_users: true, can_post_stories: false, can_edit_stories: false, can_delete_stories: false,
      });
    }
    if (status === 'kicked') member.until_date = 0;
    ok(res, member);
  },
};

// multipart/form-data (uploads: sendDocument, sendPhoto) parsed by hand: the package has no parser for it.
function parseMultipart(buffer, contentType) {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType || '');
  const out = { fields: {}, files: {} };
  if (!m) return out;
  const boundary = Buffer.from(`--${m[1] || m[2]}`);
  let start = buffer.indexOf(boundary);
  while (start !== -1) {
    const next = buffer.indexOf(boundary, start + boundary.length);
    if (next === -1) break;
    const part = buffer.subarray(start + boundary.length + 2, next - 2); // without CRLFs around
    const split = part.indexOf('\r\n\r\n');
    if (split !== -1) {
      const head = part.subarray(0, split).toString('utf8');
      const body = part.subarray(split + 4);
      const name = /name="([^"]*)"/i.exec(head);
      const filename = /filename="([^"]*)"/i.exec(head);
      const type = /content-type:\s*([^\r\n]+)/i.exec(head);
      if (name && filename) out.files[name[1]] = { filename: filename[1], type: type ? type[1] : '', data: body };
      else if (name) out.fields[name[1]] = body.toString('utf8');
    }
    start = next;
  }
  return out;
}

const app = express();
app.use(express.raw({ type: 'multipart/form-data', limit: '60mb' }));
app.use(express.json());
app.use(express.urlencoded({ extended: true }));

app.post('/control/fail', (req, res) => {
  const { token, method, error_code: code, description, parameters, times } = req.body;
  if (!state.failures[token]) state.failures[token] = {};
  const queue = listFor(state.failures[token], method);
  for (let i = 0; i < (times || 1); i++) queue.push({ code, description, parameters });
  ok(res, true);
});
app.post('/control/update', (req, res) => {
  const { token, update } = req.body;
  const raw = Object.assign({}, update);
  delete raw.update_id;
  server.storage.userMessages.push({ botToken: token, updateId: server.updateId, time: Date.now(), raw, isRead: false });
  server.updateId++;
  wakePollers();
  ok(res, true);
});
app.post('/control/member', (req, res) => {
  const { token, chat_id: chatId, user_id: userId, status } = req.body;
  if (!state.members[token]) state.members[token] = {};
  state.members[token][`${chatId}:${userId}`] = status;
  ok(res, true);
});
app.post('/control/file', (req, res) => {
  const { token, file_id: fileId, content_base64: content } = req.body;
  if (!state.files[token]) state.files[token] = {};
  state.files[token][fileId] = Buffer.from(content, 'base64');
  ok(res, true);
});
app.get('/file/bot:token/documents/:fileId', (req, res) => {
  const data = (state.files[req.params.token] || {})[req.params.fileId];
  if (!data) return res.status(404).end();
  listFor(state.calls, req.params.token).push({ method: 'download', params: { file_id: req.params.fileId }, at: Date.now() });
  res.type('application/octet-stream').send(data);
});
app.post('/control/calls', (req, res) => ok(res, listFor(state.calls, req.body.token)));
app.post('/control/messages', (req, res) => {
  const { token, chat_id: chatId } = req.body;
  ok(res, server.storage.botMessages
    .filter((u) => u.botToken === token && (chatId === undefined || String(u.message.chat_id) === String(chatId)))
    .map((u) => asMessage(u, token)));
});

app.all('/bot:token/:method', async (req, res, next) => {
  const { token, method } = req.params;
  const p = params(req);
  listFor(state.calls, token).push({ method, params: p, at: Date.now() });
  const queued = state.failures[token] && state.failures[token][method];
  if (queued && queued.length) {
    const f = queued.shift();
    return fail(res, f.code, f.description, f.parameters);
  }
  const handler = methods[method];
  if (!handler) return next(); // the package's own routes (and its "not supported" answer)
  try {
    await handler(token, p, res, req);
  } catch (e) {
    fail(res, 500, `Internal Server Error: ${e}`);
  }
});
app.use(server.webServer); // the package: client routes (/sendMessage, /sendCommand, /sendCallback, ...)

const http = require('http');
const httpServer = http.createServer(app);
httpServer.listen(Number(process.env.EMULATOR_PORT || 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: httpServer.address().port })}\n`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
