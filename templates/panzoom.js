// The HTML report's diagrams: drag to pan, buttons or ctrl+wheel to zoom, and finding links that scroll to
// their element and highlight it. Ours, inline, no network.
(function () {
  "use strict";
  function zoomTo(pan, factor) {
    var svg = pan.querySelector("svg");
    if (!svg.dataset.width) {
      svg.dataset.width = svg.getBoundingClientRect().width;
      svg.dataset.scale = "1";
    }
    var scale = factor === 0 ? pan.clientWidth / svg.dataset.width : Number(svg.dataset.scale) * factor;
    scale = Math.min(8, Math.max(0.1, scale));
    svg.dataset.scale = String(scale);
    svg.style.width = (svg.dataset.width * scale) + "px";
    svg.style.height = "auto";
  }
  document.querySelectorAll(".whole").forEach(function (figure) {
    var pan = figure.querySelector(".pan");
    var buttons = figure.querySelector(".zoom");
    buttons.hidden = false;
    buttons.addEventListener("click", function (event) {
      var factor = event.target.getAttribute("data-zoom");
      if (factor !== null) { zoomTo(pan, Number(factor)); }
    });
    pan.addEventListener("wheel", function (event) {
      if (!event.ctrlKey) { return; }
      event.preventDefault();
      zoomTo(pan, event.deltaY < 0 ? 1.1 : 1 / 1.1);
    }, {passive: false});
    var start = null;
    pan.addEventListener("pointerdown", function (event) {
      start = {x: event.clientX, y: event.clientY, left: pan.scrollLeft, top: pan.scrollTop};
      pan.classList.add("dragging");
    });
    window.addEventListener("pointermove", function (event) {
      if (!start) { return; }
      pan.scrollLeft = start.left - (event.clientX - start.x);
      pan.scrollTop = start.top - (event.clientY - start.y);
    });
    window.addEventListener("pointerup", function () { start = null; pan.classList.remove("dragging"); });
  });
  var lit = [];
  function highlight(id) {
    lit.forEach(function (element) { element.classList.remove("hit"); });
    lit = [];
    var blueprint = document.querySelector("#blueprint svg");
    var element = (blueprint && blueprint.querySelector('[id="' + CSS.escape(id) + '"]')) || document.getElementById(id);
    if (!element) { return false; }
    element.classList.add("hit");
    lit.push(element);
    element.scrollIntoView({block: "center", inline: "center", behavior: "auto"});
    return true;
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a.target");
    if (link && highlight(decodeURIComponent(link.getAttribute("href").slice(1)))) {
      event.preventDefault();
      history.replaceState(null, "", link.getAttribute("href"));
    }
  });
  if (location.hash) { highlight(decodeURIComponent(location.hash.slice(1))); }
}());
