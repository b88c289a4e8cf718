// careportal's part of the editor page: starts Decap CMS with the configuration generated from
// the record models, sends this tab's id with every API call (so the server can refuse a save
// based on an old copy), and shows the server's Chinese refusals next to the fields they concern.
(function () {
  "use strict";
  window.CMS_MANUAL_INIT = true;
  var bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes);
  var tab = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  var base = window.location.pathname.replace(/[^/]*$/, "");
  var api = base + "api/v1";
  var originalFetch = window.fetch.bind(window);

  function isApi(url) {
    try { return new URL(url, window.location.href).pathname === api; } catch (e) { return false; }
  }

  function clearProblems() {
    document.querySelectorAll(".careportal-problem").forEach(function (node) { node.remove(); });
    var box = document.getElementById("careportal-problems");
    if (box) { box.hidden = true; box.textContent = ""; }
  }

  function fieldLabel(field) {
    var names = String(field || "").split(/[.\[\]]+/).filter(function (part) { return part && !/^\d+$/.test(part); });
    for (var i = names.length - 1; i >= 0; i--) {
      var label = document.querySelector('label[for^="' + names[i].replace(/[^A-Za-z0-9_]/g, "") + '-field-"]');
      if (label) { return label; }
    }
    return null;
  }

  function showProblems(problems, fallback) {
    clearProblems();
    var box = document.getElementById("careportal-problems");
    var heading = document.createElement("p");
    heading.textContent = "没有保存。请按下面的说明修改后再保存：";
    box.appendChild(heading);
    var unplaced = 0;
    (problems.length ? problems : [{ message: fallback, field: "" }]).forEach(function (problem) {
      if (problem.severity === "warning") { return; }
      var line = document.createElement("p");
      line.textContent = problem.text || problem.message;
      box.appendChild(line);
      var label = fieldLabel(problem.field);
      if (!label) { unplaced += 1; }
      if (label) {
        var note = document.createElement("p");
        note.className = "careportal-problem";
        note.setAttribute("role", "alert");
        note.textContent = problem.message;
        var bar = label.parentElement;
        bar.parentElement.insertBefore(note, bar.nextSibling);
      }
    });
    // every problem shown next to its field: the list would only cover the form
    box.hidden = unplaced === 0;
  }

  window.fetch = function (input, init) {
    var url = typeof input === "string" ? input : input.url;
    if (!isApi(url)) { return originalFetch(input, init); }
    init = Object.assign({}, init || {});
    var headers = new Headers(init.headers || {});
    headers.set("X-Careportal-Tab", tab);
    init.headers = headers;
    var action = "";
    try { action = JSON.parse(init.body).action; } catch (e) { action = ""; }
    return originalFetch(input, init).then(function (response) {
      if (action === "persistEntry" || action === "persistMedia") {
        if (response.ok) {
          clearProblems();
          refreshStatus();
        } else {
          response.clone().json().then(function (answer) {
            showProblems(answer.problems || [], answer.error || "没有保存");
          }, function () {});
        }
      }
      return response;
    });
  };

  // entries with problems, marked in the lists: "collection/entry" → "error" | "warning"
  var marked = {};

  function entryKey(path) {
    var match = /^schools\/[^/]+\/(?:([a-z]+)\/)?([^/]+)\.ya?ml$/.exec(path || "");
    if (!match) { return null; }
    return match[1] ? match[1] + "/" + match[2] : "school/school";
  }

  function markEntries() {
    document.querySelectorAll('a[href*="/entries/"]').forEach(function (link) {
      var match = /\/collections\/([^/]+)\/entries\/([^/?#]+)$/.exec(link.getAttribute("href") || "");
      var level = match ? marked[match[1] + "/" + match[2]] : null;
      var badge = link.querySelector(".careportal-badge");
      if (!level) { if (badge) { badge.remove(); } return; }
      if (badge && badge.dataset.level === level) { return; }
      if (!badge) {
        badge = document.createElement("span");
        badge.className = "careportal-badge";
        link.appendChild(badge);
      }
      badge.dataset.level = level;
      badge.textContent = level === "error" ? "需要修改" : "有提醒";
    });
  }

  function refreshStatus() {
    var status = document.getElementById("careportal-status");
    if (!status) { return; }
    status.textContent = "正在检查……";
    status.className = "";
    return originalFetch(base + "problems", { headers: { "X-Careportal-Tab": tab } }).then(function (r) {
      return r.json();
    }).then(function (answer) {
      var errors = answer.problems.filter(function (p) { return p.severity === "error"; });
      var warnings = answer.problems.length - errors.length;
      status.textContent = errors.length
        ? "有 " + errors.length + " 个问题需要修改" + (warnings ? "，" + warnings + " 个提醒" : "")
        : "全部记录检查通过" + (warnings ? "（" + warnings + " 个提醒）" : "");
      status.className = errors.length ? "bad" : "good";
      marked = {};
      answer.problems.forEach(function (p) {
        var key = entryKey(p.path);
        if (key && marked[key] !== "error") { marked[key] = p.severity; }
      });
      markEntries();
      var list = document.getElementById("careportal-list");
      list.textContent = "";
      var items = document.createElement("ul");
      answer.problems.forEach(function (p) {
        var item = document.createElement("li");
        item.textContent = (p.severity === "warning" ? "提醒：" : "") + p.text;
        items.appendChild(item);
      });
      list.appendChild(items);
      return answer;
    });
  }

  window.addEventListener("DOMContentLoaded", function () {
    var config = JSON.parse(document.getElementById("careportal-config").textContent);
    // the proxy backend has no accounts: mark this browser as signed in, so no login page shows
    window.localStorage.setItem("decap-cms-user", JSON.stringify({ backendName: "proxy", name: "本校老师" }));
    window.CMS.init({ config: config });
    document.getElementById("careportal-check").addEventListener("click", function () {
      var list = document.getElementById("careportal-list");
      refreshStatus().then(function () { list.hidden = !list.hidden && false; list.hidden = false; });
    });
    document.getElementById("careportal-list").addEventListener("click", function () {
      document.getElementById("careportal-list").hidden = true;
    });
    document.getElementById("careportal-problems").addEventListener("click", function () {
      document.getElementById("careportal-problems").hidden = true;
    });
    refreshStatus();
    new MutationObserver(markEntries).observe(document.body, { childList: true, subtree: true });
  });
}());
