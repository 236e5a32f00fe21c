// Check-in on the trainer's tablet: scan participants' QR codes with the
// camera where the browser can (BarcodeDetector), or type a code; filter
// the list by name. Without JavaScript the page's forms do the same work.
(function () {
  "use strict";
  var root = document.getElementById("checkin");
  if (!root) return;
  var session = root.getAttribute("data-session");
  var result = document.getElementById("scan-result");
  var list = document.getElementById("people");
  var count = document.getElementById("present-count");

  function say(text, ok) {
    result.textContent = text;
    result.className = ok ? "message info" : "message error";
  }

  function markPresent(id) {
    var li = document.getElementById("r" + id);
    if (!li || li.classList.contains("att-present")) return;
    li.className = "att-present";
    var state = li.querySelector("[data-state]");
    if (state) state.textContent = root.getAttribute("data-present");
    var parts = count.textContent.split("/");
    count.textContent = (parseInt(parts[0], 10) + 1) + " /" + parts[1];
  }

  var busy = false;
  function checkIn(code) {
    if (busy || !code) return Promise.resolve();
    busy = true;
    return fetch("/api/v1/sessions/" + session + "/checkin", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify({ token: code })
    }).then(function (res) {
      return res.json().then(function (body) {
        if (!res.ok) {
          say((body.error && body.error.message) || root.getAttribute("data-msg-fail"), false);
          return;
        }
        var msg = body.already_present ? root.getAttribute("data-msg-again") : root.getAttribute("data-msg-ok");
        say(msg + " " + body.name, true);
        markPresent(body.registration.id);
      });
    }).catch(function () {
      say(root.getAttribute("data-msg-fail"), false);
    }).then(function () {
      busy = false;
    });
  }

  var form = document.getElementById("code-form");
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var input = document.getElementById("code");
    checkIn(input.value.trim()).then(function () { input.value = ""; input.focus(); });
  });

  // fold writes text the way the server folds names (data-search): lower
  // case, no accents, ligatures spelled out, so « elodie » finds Élodie.
  function fold(s) {
    return s.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/œ/g, "oe").replace(/æ/g, "ae").replace(/ß/g, "ss").replace(/ø/g, "o")
      .replace(/[\u2019\u2018`´]/g, "'").replace(/\s+/g, " ").trim();
  }
  var filter = document.getElementById("filter");
  filter.addEventListener("input", function () {
    var words = fold(filter.value).split(" ").filter(Boolean);
    if (!list) return;
    Array.prototype.forEach.call(list.children, function (li) {
      var name = li.getAttribute("data-search") || fold(li.getAttribute("data-name") || "");
      li.hidden = words.some(function (w) { return name.indexOf(w) === -1; });
    });
  });

  var scan = document.getElementById("scan");
  var video = document.getElementById("camera");
  var note = document.getElementById("camera-note");
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    note.textContent = root.getAttribute("data-msg-nocam");
    return;
  }
  scan.hidden = false;
  var last = "";
  scan.addEventListener("click", function () {
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      scan.hidden = true;
      return video.play().then(function () {
        var tick = function () {
          detector.detect(video).then(function (codes) {
            if (codes.length && codes[0].rawValue !== last) {
              last = codes[0].rawValue;
              checkIn(last);
            }
          }).catch(function () {}).then(function () { setTimeout(tick, 300); });
        };
        tick();
      });
    }).catch(function () {
      note.textContent = root.getAttribute("data-msg-nocam");
    });
  });
})();
