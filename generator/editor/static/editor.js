// careportal's part of the editor page: starts Decap CMS with the configuration generated from
// the record models, sends this tab's id with every API call (so the server can refuse a save
// based on an old copy), shows the server's Chinese refusals next to the fields they concern, and
// runs the 待审核 panel (the sentences held for review, GET/POST <base>reviews).
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
          refreshReviews();
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
      if (link.closest("#careportal-review-panel")) { return; }
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

  // --- the 待审核 panel --------------------------------------------------------------------------

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function reviewMessage(text, bad) {
    var box = document.getElementById("careportal-review-message");
    box.textContent = text || "";
    box.className = bad ? "bad" : "good";
    box.hidden = !text;
  }

  function reviewItem(item) {
    var row = element("li", "careportal-review-item");
    row.dataset.decision = item.decision;
    var head = element("p", "careportal-review-record");
    head.appendChild(element("span", "careportal-review-state", item.state));
    var title = item.kind + "：" + (item.title || "（没有标题）");
    if (item.link) {
      var open = element("a", "", title);
      // a new window: Decap does not switch from one open record to another by the address alone
      open.href = item.link;
      open.target = "_blank";
      open.rel = "noopener";
      open.title = "在新窗口里打开这条记录修改";
      head.appendChild(open);
    } else {
      head.appendChild(element("span", "", title));
    }
    row.appendChild(head);
    row.appendChild(element("p", "careportal-review-where",
      "文件 " + item.file + "　第 " + item.line + " 行　" + (item.field ? "“" + item.field + "”一项" : "")));
    row.appendChild(element("blockquote", "careportal-review-sentence", item.sentence));
    if (item.decision !== "pending") {
      row.appendChild(element("p", "careportal-review-decided", item.state + "：" + item.role + "，" + item.date));
    }
    var buttons = element("p", "careportal-review-buttons");
    [["approved", "批准"], ["rejected", "驳回"]].forEach(function (choice) {
      var button = element("button", "careportal-review-" + choice[0], choice[1]);
      button.type = "button";
      button.disabled = item.decision === choice[0];
      button.addEventListener("click", function () { decideReview(item, choice[0]); });
      buttons.appendChild(button);
    });
    row.appendChild(buttons);
    return row;
  }

  function showReviews(answer) {
    var button = document.getElementById("careportal-reviews");
    document.getElementById("careportal-review-count").textContent = answer.pending === null ? "?" : String(answer.pending);
    button.className = answer.pending === 0 ? "" : "waiting";
    var list = document.getElementById("careportal-review-items");
    list.textContent = "";
    if (answer.error) {
      reviewMessage(answer.error, true);
    }
    if (!answer.items.length && !answer.error) {
      list.appendChild(element("li", "careportal-review-none", "本校现在没有需要审核的句子。"));
    }
    answer.items.forEach(function (item) { list.appendChild(reviewItem(item)); });
  }

  function refreshReviews() {
    return originalFetch(base + "reviews", { headers: { "X-Careportal-Tab": tab } }).then(function (r) {
      return r.json();
    }).then(showReviews);
  }

  function decideReview(item, decision) {
    var role = document.getElementById("careportal-review-role");
    reviewMessage("正在记录……", false);
    originalFetch(base + "reviews", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Careportal-Tab": tab },
      body: JSON.stringify({ sentence: item.digest, decision: decision, role: role.value })
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (answer.items) { showReviews(answer); }
        if (response.ok) {
          reviewMessage("已记录：" + answer.message, false);
          refreshStatus();
        } else {
          reviewMessage(answer.error || "没有记录", true);
          if (answer.field === "role") { role.focus(); }
        }
      });
    }, function () { reviewMessage("没有记录：编辑器已经关闭了吗？请重新运行 careportal edit", true); });
  }

  function toggleReviews(open) {
    var panel = document.getElementById("careportal-review-panel");
    panel.hidden = !open;
    document.getElementById("careportal-reviews").setAttribute("aria-expanded", open ? "true" : "false");
    if (open) {
      reviewMessage("", false);
      refreshReviews();
      document.getElementById("careportal-review-role").focus();
    }
  }

  window.addEventListener("DOMContentLoaded", function () {
    var config = JSON.parse(document.getElementById("careportal-config").textContent);
    // the proxy backend has no accounts: mark this browser as signed in, so no login page shows
    window.localStorage.setItem("decap-cms-user", JSON.stringify({ backendName: "proxy", name: "本校老师" }));
    window.CMS.init({ config: config });
    document.getElementById("careportal-check").addEventListener("click", function () {
      var list = document.getElementById("careportal-list");
      refreshReviews();
      refreshStatus().then(function () { list.hidden = !list.hidden && false; list.hidden = false; });
    });
    document.getElementById("careportal-list").addEventListener("click", function () {
      document.getElementById("careportal-list").hidden = true;
    });
    document.getElementById("careportal-problems").addEventListener("click", function () {
      document.getElementById("careportal-problems").hidden = true;
    });
    document.getElementById("careportal-reviews").addEventListener("click", function () {
      toggleReviews(document.getElementById("careportal-review-panel").hidden);
    });
    document.getElementById("careportal-review-close").addEventListener("click", function () { toggleReviews(false); });
    document.getElementById("careportal-review-role").addEventListener("input", function () { reviewMessage("", false); });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !document.getElementById("careportal-review-panel").hidden) { toggleReviews(false); }
    });
    refreshStatus();
    refreshReviews();
    new MutationObserver(markEntries).observe(document.body, { childList: true, subtree: true });
  });
}());
