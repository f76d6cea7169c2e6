// Keeps the inbox count in the header current without a reload. The page
// works without it; it only saves a click.
(function () {
  var badge = document.getElementById("unread-count");
  if (!badge || !window.fetch) return;
  function refresh() {
    fetch("/api/v1/notifications?unread=true&limit=1", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) {
        if (!body) return;
        badge.textContent = String(body.unread);
        badge.setAttribute("aria-label", body.unread + " unread");
        badge.classList.toggle("zero", body.unread === 0);
      })
      .catch(function () {});
  }
  setInterval(refresh, 3000);
})();

// After a failed form, go to the first field at fault, whose message is
// beside it, or else to the error summary. Without script the page opens
// at its top, where the summary is.
(function () {
  var summary = document.getElementById("error-summary");
  if (!summary) return;
  (document.querySelector('[aria-invalid="true"]') || summary).focus();
})();
