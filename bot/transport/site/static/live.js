// Keeps the signature count on a case page current (the server's figure is at most 30 s old).
(function () {
  "use strict";
  var holder = document.querySelector("[data-live]");
  if (!holder || !window.fetch) return;
  var count = holder.querySelector("[data-count]");
  var progress = document.querySelector("[data-progress]");
  function refresh() {
    if (document.hidden) return;
    fetch(holder.getAttribute("data-live"), { credentials: "omit" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) {
        if (!answer) return;
        count.textContent = answer.count_text;
        if (progress) {
          progress.value = Math.min(answer.count, progress.max);
          progress.textContent = answer.percent + "%";
        }
      })
      .catch(function () {});
  }
  setInterval(refresh, 30000);
})();
