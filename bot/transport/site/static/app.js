// The Mini App: sign, or withdraw, in one screen. Telegram opens this page with
// its signed launch data (initData) in the URL fragment; the server checks it
// and decides everything, this script only carries it and shows the answer.
(function () {
  "use strict";
  var tg = window.Telegram && window.Telegram.WebApp;
  var fragment = new URLSearchParams(location.hash.slice(1));
  var initData = fragment.get("tgWebAppData") || (tg && tg.initData) || "";

  if (tg) {
    tg.ready();
    if (tg.expand) tg.expand();
    var theme = tg.themeParams || {};
    var style = document.documentElement.style;
    [["bg_color", "--bg"], ["text_color", "--fg"], ["button_color", "--accent"],
     ["button_text_color", "--on-accent"], ["link_color", "--link"],
     ["secondary_bg_color", "--panel"], ["hint_color", "--muted"]].forEach(function (pair) {
      if (theme[pair[0]]) style.setProperty(pair[1], theme[pair[0]]);
    });
  }

  // The case picker (the menu button opens it): keep the fragment on the way to a case,
  // and go straight to the case a t.me/<bot>/<app>?startapp=<slug> link names.
  var picker = document.getElementById("app-cases");
  if (picker) {
    var start = fragment.get("tgWebAppStartParam");
    var links = picker.querySelectorAll("a[data-app-case]");
    for (var i = 0; i < links.length; i++) {
      links[i].href += location.hash;
      if (start && links[i].getAttribute("data-app-case") === start) location.replace(links[i].href);
    }
    return;
  }

  var root = document.getElementById("app");
  if (!root) return;
  var texts = JSON.parse(document.getElementById("texts").textContent);
  var slug = root.getAttribute("data-slug");
  var lang = root.getAttribute("data-lang");
  var message = document.getElementById("message");
  var signingAs = document.getElementById("signing-as");
  var signForm = document.getElementById("sign");
  var withdrawForm = document.getElementById("withdraw");
  var confirmBox = document.getElementById("withdraw-confirm");
  var outside = document.getElementById("outside");
  var count = document.querySelector("[data-count]");
  var progress = document.querySelector("[data-progress]");
  var buttons = root.querySelectorAll("button");

  function busy(on) {
    for (var i = 0; i < buttons.length; i++) buttons[i].disabled = on;
  }

  // Telegram's own button at the foot of the screen signs with the name, wherever the
  // page is scrolled; the page's buttons stay for anonymous signing and for browsers.
  var mainButton = tg && tg.MainButton && tg.MainButton.setParams ? tg.MainButton : null;
  if (mainButton) {
    mainButton.setParams({ text: document.getElementById("sign-named").textContent.trim() });
    mainButton.onClick(function () {
      if (!signForm.hidden) post("/app/api/sign", { mode: "named" });
    });
  }

  function show(answer) {
    message.textContent = answer.message || "";
    if (answer.count_text) {
      count.textContent = answer.count_text;
      progress.value = Math.min(answer.count, progress.max);
      progress.textContent = answer.percent + "%";
    }
    if (answer.signing_as) {
      signingAs.textContent = answer.signing_as;
      signingAs.hidden = false;
    }
    if ("signed" in answer) {
      signForm.hidden = answer.signed || answer.state !== "open";
      withdrawForm.hidden = !answer.signed;
      signingAs.hidden = signForm.hidden || !answer.signing_as;
      if (mainButton) {
        if (signForm.hidden || !answer.signing_as) mainButton.hide();
        else mainButton.show();
      }
    }
    confirmBox.hidden = true;
  }

  function post(path, extra) {
    busy(true);
    var body = { initData: initData, slug: slug, lang: lang };
    for (var key in extra) body[key] = extra[key];
    return fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "omit",
    })
      .then(function (response) {
        return response.json().then(function (answer) {
          if (response.status === 401) answer.message = texts.refused;
          show(answer);
        });
      })
      .catch(function () {
        message.textContent = texts.error;
      })
      .then(function () {
        busy(false);
      });
  }

  function refuse() {
    // An ordinary browser: nobody vouches for who is signing. Point to the bot instead.
    message.textContent = texts.outside;
    if (outside) outside.hidden = false;
  }

  signForm.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!initData) return refuse();
    var mode = event.submitter && event.submitter.value === "named" ? "named" : "anonymous";
    post("/app/api/sign", { mode: mode });
  });
  withdrawForm.addEventListener("submit", function (event) {
    event.preventDefault();
    message.textContent = texts.withdrawConfirm;
    confirmBox.hidden = false;
  });
  document.getElementById("withdraw-yes").addEventListener("click", function () {
    post("/app/api/withdraw", {});
  });
  document.getElementById("withdraw-keep").addEventListener("click", function () {
    confirmBox.hidden = true;
    message.textContent = "";
  });

  if (initData) {
    message.textContent = texts.loading;
    post("/app/api/state", {});
  }
  else if (outside) outside.hidden = false;
})();
