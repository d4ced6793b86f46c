// On a page that embeds our charts: fit each embed iframe to the height its
// content reports, so there is no scroll bar and nothing is cut off.
(function () {
  "use strict";
  if (window.districtTargetsEmbedListening) return;
  window.districtTargetsEmbedListening = true;
  window.addEventListener("message", function (event) {
    var message = event.data && event.data.districtTargetsEmbed;
    if (!message || typeof message.height !== "number") return;
    var frames = document.querySelectorAll("iframe[data-district-targets-embed]");
    for (var i = 0; i < frames.length; i++) {
      // Only the iframe that sent the message, and only from the origin it was loaded from.
      if (frames[i].contentWindow === event.source && new URL(frames[i].src, location.href).origin === event.origin) {
        frames[i].style.height = message.height + "px";
        frames[i].setAttribute("height", String(message.height));
      }
    }
  });
})();
