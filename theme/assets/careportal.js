/* careportal: small enhancements on top of plain HTML pages that work without JavaScript.
   - 长辈版: large text and large buttons; the choice is kept in localStorage across pages and visits
   - 朗读: reads the article aloud with the browser's speech synthesis; hidden where there is none
   - today: marks today's line in opening-hours lists (China time)
   - WeChat: shows the "open in the browser" hint next to calendar links inside WeChat
   - print: the notice's print button
   No text lives here: every word shown comes from the page, in the page's script. */
(function () {
  "use strict";
  var KEY = "cp-elder";
  var root = document.documentElement;

  function each(selector, fn) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), fn);
  }

  function stored() {
    try { return localStorage.getItem(KEY) === "1"; } catch (e) { return false; }
  }

  function setElder(on) {
    root.classList.toggle("cp-elder", on);
    try {
      if (on) localStorage.setItem(KEY, "1"); else localStorage.removeItem(KEY);
    } catch (e) { /* private mode: the choice lasts for this page only */ }
    each(".cp-elder-toggle", function (b) { b.setAttribute("aria-pressed", on ? "true" : "false"); });
  }

  root.classList.toggle("cp-elder", stored());
  each(".cp-elder-toggle", function (button) {
    button.hidden = false;
    button.setAttribute("aria-pressed", stored() ? "true" : "false");
    button.addEventListener("click", function () { setElder(!root.classList.contains("cp-elder")); });
  });

  /* 朗读 */
  var synth = window.speechSynthesis;
  if (synth && typeof window.SpeechSynthesisUtterance === "function") {
    each(".cp-read", function (button) {
      var label = button.textContent;
      var article = document.querySelector(".cp-article") || document.querySelector(".md-content__inner");
      if (!article) return;
      button.hidden = false;
      function reset() { button.textContent = label; button.classList.remove("cp-reading"); }
      button.addEventListener("click", function () {
        if (button.classList.contains("cp-reading")) { synth.cancel(); reset(); return; }
        var text = article.innerText || article.textContent || "";
        /* Short utterances: some engines stop a long one after about 15 seconds. */
        var parts = text.replace(/([。！？；\n])/g, "$1\u0000").split("\u0000").map(function (s) { return s.trim(); }).filter(Boolean);
        synth.cancel();
        button.textContent = button.getAttribute("data-stop");
        button.classList.add("cp-reading");
        parts.forEach(function (part, i) {
          var u = new SpeechSynthesisUtterance(part);
          u.lang = button.getAttribute("data-lang") || "zh-CN";
          u.rate = 0.9;
          if (i === parts.length - 1) { u.onend = reset; u.onerror = reset; }
          synth.speak(u);
        });
      });
      window.addEventListener("pagehide", function () { synth.cancel(); });
    });
  }

  /* Today's opening hours, by the school's clock (China time), whatever the phone's zone. */
  function todayIndex() {
    try {
      var day = new Intl.DateTimeFormat("en-US", { timeZone: "Asia/Shanghai", weekday: "short" }).format(new Date());
      var index = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(day);
      if (index >= 0) return index;
    } catch (e) { /* old engine without time zones */ }
    return (new Date().getDay() + 6) % 7;
  }
  var today = String(todayIndex());
  each("[data-weekday]", function (item) {
    if (item.getAttribute("data-weekday") !== today) return;
    item.classList.add("cp-today");
    Array.prototype.forEach.call(item.querySelectorAll(".cp-today-mark"), function (mark) { mark.hidden = false; });
  });
  each("tr[data-weekdays]", function (row) {
    if (row.getAttribute("data-weekdays").split(",").indexOf(today) >= 0) row.classList.add("cp-today");
  });

  /* WeChat's browser cannot add a calendar file: say how to open the page in the phone's browser. */
  if (/MicroMessenger/i.test(navigator.userAgent)) {
    each(".cp-wechat-hint", function (hint) { hint.hidden = false; });
  }

  each(".cp-print", function (button) {
    if (typeof window.print !== "function") return;
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
