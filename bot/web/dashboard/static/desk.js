// The dashboard's only script: the live preview of a new deadline's rule, and upload progress. No libraries.
(function () {
  "use strict";
  var form = document.getElementById("add-deadline");
  if (form) {
    var out = document.getElementById("preview");
    var timer = null;
    var seq = 0;
    var update = function () {
      var mine = ++seq;
      fetch(form.dataset.preview, { method: "POST", body: new FormData(form), credentials: "same-origin" })
        .then(function (r) { return r.text().then(function (t) { return [r.ok, t]; }); })
        .then(function (res) {
          if (mine !== seq) return;  // an older answer arriving late
          out.textContent = res[1];
          out.classList.toggle("bad", !res[0]);
        })
        .catch(function () { out.textContent = "Không xem trước được (mất kết nối?)."; });
    };
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(update, 300);
    });
  }
  var upload = document.getElementById("upload-form");
  if (upload && window.XMLHttpRequest) {
    upload.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var bar = document.getElementById("upload-progress");
      var xhr = new XMLHttpRequest();
      bar.hidden = false;
      xhr.upload.onprogress = function (e) { if (e.lengthComputable) bar.value = Math.round(100 * e.loaded / e.total); };
      xhr.onload = function () { document.open(); document.write(xhr.responseText); document.close(); };
      xhr.open("POST", upload.action);
      xhr.send(new FormData(upload));
    });
  }
})();
