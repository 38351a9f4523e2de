// Compose page: media upload with previews, per-platform tabs and previews, live counters and
// problems from POST /api/v1/posts/validate, then save / submit (/ approve) through the API.
// An X thread is shown as the parts the server answers in "previews": the same parts the
// target stores and X receives (the browser never splits a text itself).
(function () {
  "use strict";
  var form, config, text, strings, media = [], timer = null, lastOk = false, seq = 0;
  var thread = null; // the server's preview of the X text: {parts: [...], counts: [...]}
  var PLATFORMS = ["x", "facebook", "instagram"];

  function $(id) { return document.getElementById(id); }

  // X counts "weighted" characters (twitter-text v3): most Latin text weighs 1, other scripts 2,
  // every URL 23. The server's check (twitter-text-parser) is the authority; this is the live hint.
  var URL_RE = /(https?:\/\/[^\s]+)|(\b[a-z0-9-]+\.(com|id|net|org|co\.id|go\.id|io)\b[^\s]*)/gi;
  function weight(cp) {
    if ((cp >= 0 && cp <= 4351) || (cp >= 8192 && cp <= 8205) || (cp >= 8208 && cp <= 8223) ||
        (cp >= 8242 && cp <= 8247)) return 1;
    return 2;
  }
  function countX(value) {
    var urls = 0;
    var rest = value.normalize("NFC").replace(URL_RE, function () { urls += 1; return ""; });
    var total = urls * 23;
    for (var ch of rest) total += weight(ch.codePointAt(0));
    return total;
  }
  function count(platform, value) {
    return platform === "x" ? countX(value) : Array.from(value).length;
  }

  function selected() {
    return Array.prototype.filter.call(form.querySelectorAll("input[name=account]"), function (i) { return i.checked; });
  }
  function platformsChosen() {
    var seen = {};
    selected().forEach(function (i) { seen[i.dataset.platform] = i.dataset.handle; });
    return seen;
  }

  function schedule() {
    var kind = form.querySelector("input[name=when]:checked").value;
    var at = $("at").value;
    if (kind === "next_slot") return { next_slot: true };
    if (kind === "recurring") {
      var s = { rrule: $("freq").value, start: at ? at + ":00" : null, timezone: config.zone };
      if ($("until").value) s.until = $("until").value + "T23:59:00";
      return s;
    }
    return { at: at ? at + ":00" : null, timezone: config.zone };
  }

  function subject() {
    var v = $("subject").value;
    if (!v) return null;
    var parts = v.split(":");
    return { kind: parts[0], id: parseInt(parts[1], 10) };
  }

  // The text a platform will publish: its own text if one is written, else the main text.
  function textFor(platform, ownOnly) {
    var own = $("text-" + platform).value;
    if (own.trim()) return own;
    return ownOnly ? null : text.value;
  }

  function draft() {
    return {
      kim: config.kim, text: text.value,
      media_ids: media.map(function (m) { return m.id; }),
      targets: selected().map(function (i) {
        var own = textFor(i.dataset.platform, true);
        var target = { account_id: parseInt(i.value, 10) };
        if (own) target.text = own;
        return target;
      }),
      schedule: schedule(), as_thread: $("as-thread").checked
    };
  }

  // -- previews and tabs ---------------------------------------------------
  function escapeHtml(s) {
    return s.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function richText(value) {
    var html = escapeHtml(value);
    html = html.replace(/(https?:\/\/[^\s<]+)/g, '<span class="link">$1</span>');
    return html.replace(/(^|\s)(#[\p{L}\p{N}_]+)/gu, '$1<span class="tag">$2</span>');
  }

  function mediaImages(box) {
    media.forEach(function (m) {
      var img = document.createElement("img");
      img.src = m.url; img.alt = ""; img.loading = "lazy";
      box.appendChild(img);
    });
  }

  // The X preview as a thread: one card per part, "1/4" and its weighted count, media on the first.
  function renderThread(panel) {
    var list = panel.querySelector("[data-pv-thread]");
    var several = thread !== null && thread.parts.length > 1;
    list.hidden = !several;
    panel.querySelector("[data-pv-text]").hidden = several;
    panel.querySelector("[data-pv-media]").hidden = several;
    list.innerHTML = "";
    if (!several) return false;
    var total = thread.parts.length, limit = config.limits.x.limit;
    thread.parts.forEach(function (part, index) {
      var li = document.createElement("li");
      li.className = "thread-part";
      var head = document.createElement("p");
      head.className = "part-head";
      var no = document.createElement("span");
      no.className = "part-no";
      no.textContent = (index + 1) + "/" + total;
      var n = document.createElement("span");
      n.className = "counter";
      n.textContent = thread.counts[index] + " / " + limit;
      n.classList.toggle("over", thread.counts[index] > limit);
      head.appendChild(no); head.appendChild(document.createTextNode(" "));
      head.appendChild(n);
      var body = document.createElement("div");
      body.className = "pv-text";
      body.innerHTML = richText(part);
      li.appendChild(head); li.appendChild(body);
      if (index === 0 && media.length) {
        var box = document.createElement("div");
        box.className = "pv-media" + (media.length === 1 ? " one" : "");
        mediaImages(box);
        li.appendChild(box);
      }
      list.appendChild(li);
    });
    return true;
  }

  function renderPreviews() {
    var chosen = platformsChosen();
    var any = false, firstVisible = null, activeVisible = false;
    PLATFORMS.forEach(function (p) {
      var tab = $("tab-" + p), panel = $("panel-" + p);
      var on = chosen[p] !== undefined;
      tab.hidden = !on;
      if (!on) { panel.hidden = true; tab.setAttribute("aria-selected", "false"); }
      if (on) { any = true; firstVisible = firstVisible || p; }
      if (on && tab.getAttribute("aria-selected") === "true") activeVisible = true;
      var value = textFor(p, false);
      var n = count(p, value), limit = config.limits[p].limit;
      var asThread = p === "x" && renderThread(panel);
      [$("count-" + p), $("counter-" + p)].forEach(function (el) {
        el.textContent = asThread ? strings.thread + " · " + thread.parts.length + " " + strings.parts
          : n + " / " + limit;
        el.classList.toggle("over", n > limit && !(p === "x" && $("as-thread").checked));
      });
      panel.querySelector("[data-pv-handle]").textContent = on ? "@" + chosen[p] : "";
      panel.querySelector("[data-pv-text]").innerHTML = value ? richText(value) :
        '<span class="preview-empty">' + escapeHtml(strings.empty) + "</span>";
      var box = panel.querySelector("[data-pv-media]");
      box.innerHTML = "";
      box.classList.toggle("one", media.length === 1);
      mediaImages(box);
    });
    $("no-accounts").hidden = any;
    $("as-thread-row").hidden = chosen.x === undefined;
    if (any && !activeVisible) select(firstVisible);
  }

  function select(p) {
    PLATFORMS.forEach(function (q) {
      var on = q === p;
      $("tab-" + q).setAttribute("aria-selected", on ? "true" : "false");
      $("tab-" + q).tabIndex = on ? 0 : -1;
      $("panel-" + q).hidden = !on;
    });
  }

  function onTabKey(event) {
    var visible = PLATFORMS.filter(function (p) { return !$("tab-" + p).hidden; });
    var at = visible.indexOf(event.target.dataset.platform);
    if (at < 0) return;
    var next = null;
    if (event.key === "ArrowRight") next = visible[(at + 1) % visible.length];
    if (event.key === "ArrowLeft") next = visible[(at - 1 + visible.length) % visible.length];
    if (event.key === "Home") next = visible[0];
    if (event.key === "End") next = visible[visible.length - 1];
    if (next) { event.preventDefault(); select(next); $("tab-" + next).focus(); }
  }

  // -- live validation -------------------------------------------------------
  function platformOf(accountId) {
    var input = form.querySelector("input[name=account][value='" + accountId + "']");
    return input ? input.dataset.platform : null;
  }

  function showProblems(problems) {
    var lists = { general: $("problems-general") };
    PLATFORMS.forEach(function (p) { lists[p] = $("problems-" + p); });
    Object.keys(lists).forEach(function (k) { lists[k].innerHTML = ""; });
    // The server's answer is the authority on length: it replaces the local estimate.
    PLATFORMS.forEach(function (p) {
      [$("count-" + p), $("counter-" + p)].forEach(function (el) { if (el) el.classList.remove("over"); });
    });
    var seen = {};
    problems.forEach(function (p) {
      var where = p.platform || (p.account_id ? platformOf(p.account_id) : null) || "general";
      var key = where + "|" + p.code + "|" + p.message;
      if (seen[key]) return;
      seen[key] = true;
      var li = document.createElement("li");
      li.className = p.severity;
      li.dataset.code = p.code;
      li.textContent = p.message;
      (lists[where] || lists.general).appendChild(li);
      if (p.code === "text_too_long" && where !== "general") {
        [$("count-" + where), $("counter-" + where)].forEach(function (el) { el.classList.add("over"); });
      }
    });
    PLATFORMS.forEach(function (p) {
      $("tab-" + p).classList.toggle("has-problems", lists[p].querySelector(".error") !== null);
    });
  }

  // The first X target's parts (every X account publishes the same X text).
  function xPreview(previews) {
    var found = (previews || []).filter(function (v) { return platformOf(v.account_id) === "x"; });
    return found.length ? found[0] : null;
  }

  function validate() {
    var mine = ++seq;
    return Siar.api("POST", "/api/v1/posts/validate", draft()).then(function (result) {
      if (mine !== seq) return;
      lastOk = result.ok;
      thread = xPreview(result.previews);
      renderPreviews();
      showProblems(result.problems);
      form.dataset.validated = String(mine);
      setButtons();
    }).catch(function (error) {
      if (mine !== seq) return;
      lastOk = false;
      thread = null;
      renderPreviews();
      showProblems([{ code: "invalid", message: error.message, severity: "error" }]);
      setButtons();
    });
  }

  function setButtons() {
    ["submit", "submit-approve"].forEach(function (id) { if ($(id)) $(id).disabled = !lastOk; });
  }

  function changed() {
    renderPreviews();
    lastOk = false;
    setButtons();
    clearTimeout(timer);
    timer = setTimeout(validate, 250);
  }

  // -- media ----------------------------------------------------------------------
  function addMedia(id) {
    media.push({ id: id, url: "/media/" + id + "/file" });
    drawThumbs();
    changed();
  }
  function drawThumbs() {
    var list = $("thumbs");
    list.innerHTML = "";
    media.forEach(function (m, index) {
      var li = document.createElement("li");
      var img = document.createElement("img");
      img.src = m.url; img.alt = "#" + m.id;
      var remove = document.createElement("button");
      remove.type = "button"; remove.textContent = "×";
      remove.setAttribute("aria-label", strings.remove + " #" + m.id);
      remove.addEventListener("click", function () { media.splice(index, 1); drawThumbs(); changed(); });
      li.appendChild(img); li.appendChild(remove); list.appendChild(li);
    });
  }
  function upload(event) {
    var files = Array.prototype.slice.call(event.target.files);
    var status = $("media-status");
    var chain = Promise.resolve();
    files.forEach(function (file) {
      chain = chain.then(function () {
        status.textContent = strings.uploading + " " + file.name;
        var body = new FormData();
        body.append("file", file);
        body.append("kim", String(config.kim));
        return Siar.api("POST", "/api/v1/media", body).then(function (asset) {
          status.textContent = strings.uploaded;
          addMedia(asset.id);
        });
      });
    });
    chain.catch(function (error) { status.textContent = error.message; }).then(function () {
      event.target.value = "";
    });
  }

  // -- save ------------------------------------------------------------------------
  function save(submit, approve) {
    var body = draft();
    body.subject = subject();
    body.submit = submit;
    var buttons = form.querySelectorAll(".actions button");
    buttons.forEach(function (b) { b.disabled = true; });
    Siar.api("POST", "/api/v1/posts", body).then(function (post) {
      var go = function () { window.location.assign("/posts/" + post.id); };
      if (!approve) return go();
      return Siar.api("POST", "/api/v1/posts/" + post.id + "/approve").then(go, function (error) {
        window.location.assign("/posts/" + post.id + "?note=" + encodeURIComponent(error.message));
      });
    }).catch(function (error) {
      Siar.showError(form, error.message);
      buttons.forEach(function (b) { b.disabled = false; });
      setButtons();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    form = $("compose");
    if (!form) return;
    config = JSON.parse($("compose-config").textContent);
    strings = $("i18n-compose").dataset;
    text = $("text");
    form.addEventListener("input", changed);
    form.addEventListener("change", function (event) {
      if (event.target.id === "media-input") return;
      if (event.target.name === "when") {
        $("recurring-fields").hidden = event.target.value !== "recurring";
        $("at").disabled = event.target.value === "next_slot";
      }
      changed();
    });
    $("media-input").addEventListener("change", upload);
    PLATFORMS.forEach(function (p) {
      $("tab-" + p).addEventListener("click", function () { select(p); });
      $("tab-" + p).addEventListener("keydown", onTabKey);
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); save(true, false); });
    $("save-draft").addEventListener("click", function () { save(false, false); });
    if ($("submit-approve")) $("submit-approve").addEventListener("click", function () { save(true, true); });
    (config.media || []).forEach(function (id) { media.push({ id: id, url: "/media/" + id + "/file" }); });
    drawThumbs();
    renderPreviews();
    setButtons();
    validate();
  });
})();
