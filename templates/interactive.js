/* interactive.js: pan, zoom, highlight and hover details for blueprint's inline SVG diagrams.
 *
 * One self-contained script of ours: no dependencies, nothing fetched, nothing written as markup (it runs
 * under a content security policy of script-src 'self'). Used by `blueprint serve`; the HTML report may
 * load it too.
 *
 *   const view = BlueprintInteractive.attach(container, {details});
 *     container  an element holding one <svg> drawn by blueprint (or empty: call view.load)
 *     details    optional {elementId: [[label, value], ...]}; a row with an empty label is a heading
 *   view.load(svgText)      show a drawing: parsed as SVG, with scripts, event handlers, foreign objects and
 *                           outside links dropped; the zoom is kept when the user has changed it
 *   view.highlight(id)      ring the element with that FORMAT.md id (`a.STEP.LANE`, `step.STEP`, …), bring it
 *                           into view; false when the drawing has no such element
 *   view.has(id)            whether the drawing has that element
 *   view.fit()              the whole drawing in view
 *   view.zoom(factor)       zoom about the centre (> 1 closer)
 *   view.setDetails(map)    replace the hover details
 * Mouse: the wheel zooms about the pointer, dragging pans, a double click fits. Keys when the container has
 * focus: + and − zoom, 0 fits, arrows pan. The highlighted element also gets the class `bp-highlight`.
 */
"use strict";

(function (global) {
  const SVG_NS = "http://www.w3.org/2000/svg";
  const RING = "#d9480f";
  const MIN_ZOOM = 0.5;   // widest view: twice the fitted drawing
  const MAX_ZOOM = 40;

  function sanitize(svg) {
    for (const node of svg.querySelectorAll("script, foreignObject, title")) node.remove();
    for (const node of [svg, ...svg.querySelectorAll("*")]) {
      for (const attribute of [...node.attributes]) {
        const name = attribute.name.toLowerCase();
        const link = name === "href" || name.endsWith(":href");
        if (name.startsWith("on") || (link && !attribute.value.startsWith("#"))) node.removeAttribute(attribute.name);
      }
    }
  }

  // One tooltip for every diagram of the page.
  function sharedTip() {
    const existing = document.querySelector("body > .bp-tooltip");
    if (existing) return existing;
    const tip = document.createElement("div");
    tip.className = "bp-tooltip";
    Object.assign(tip.style, {
      position: "fixed", zIndex: "1000", pointerEvents: "none", display: "none", maxWidth: "26em",
      background: "#1f2933", color: "#ffffff", padding: "0.5em 0.7em", borderRadius: "6px",
      font: "inherit", fontSize: "0.9em", lineHeight: "1.4", boxShadow: "0 2px 8px rgba(0,0,0,0.3)",
    });
    document.body.appendChild(tip);
    return tip;
  }

  function attach(container, options) {
    let details = (options && options.details) || {};
    let svg = null;
    let full = null;        // the drawing's own viewBox
    let box = null;         // the viewBox shown
    let moved = false;      // the user zoomed or panned
    let ring = null;
    let marked = null;
    const tip = sharedTip();
    if (!container.hasAttribute("tabindex")) container.tabIndex = 0;
    container.style.overflow = "hidden";
    container.style.touchAction = "none";

    function apply() {
      svg.setAttribute("viewBox", `${box.x} ${box.y} ${box.w} ${box.h}`);
    }

    function adopt(element) {
      svg = element;
      const v = svg.viewBox.baseVal;
      full = v && v.width ? {x: v.x, y: v.y, w: v.width, h: v.height}
                          : {x: 0, y: 0, w: svg.width.baseVal.value, h: svg.height.baseVal.value};
      svg.removeAttribute("width");
      svg.removeAttribute("height");
      svg.style.width = "100%";
      svg.style.height = "100%";
      svg.style.display = "block";
      svg.style.cursor = "grab";
      size();
    }

    // As tall as the fitted drawing at the container's width, between 220 px and 80 % of the window.
    function size() {
      if (!full) return;
      const width = container.clientWidth || 800;
      container.style.height = Math.round(Math.min(Math.max(width * full.h / full.w, 220),
                                                   window.innerHeight * 0.8)) + "px";
    }
    window.addEventListener("resize", size);

    function load(text) {
      const parsed = new DOMParser().parseFromString(text, "image/svg+xml");
      const root = parsed.documentElement;
      if (root.namespaceURI !== SVG_NS || root.localName !== "svg") return false;
      sanitize(root);
      const kept = moved && box ? {...box} : null;
      const keptMark = marked && marked.id;
      container.replaceChildren(document.importNode(root, true));
      adopt(container.querySelector("svg"));
      ring = marked = null;
      box = kept || {...full};
      apply();
      if (keptMark) highlight(keptMark, false);
      return true;
    }

    // Units of the viewBox per screen pixel, as preserveAspectRatio="xMidYMid meet" draws it.
    function unitsPerPixel() {
      const rect = svg.getBoundingClientRect();
      return Math.max(box.w / rect.width, box.h / rect.height);
    }

    function toDrawing(clientX, clientY) {
      const point = svg.createSVGPoint();
      point.x = clientX;
      point.y = clientY;
      return point.matrixTransform(svg.getScreenCTM().inverse());
    }

    function zoomAbout(factor, x, y) {
      const current = full.w / box.w;
      const next = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, current * factor));
      const scale = current / next;
      box = {x: x - (x - box.x) * scale, y: y - (y - box.y) * scale, w: box.w * scale, h: box.h * scale};
      moved = true;
      apply();
    }

    function zoom(factor) {
      if (svg) zoomAbout(factor, box.x + box.w / 2, box.y + box.h / 2);
    }

    function fit() {
      if (!svg) return;
      box = {...full};
      moved = false;
      apply();
    }

    function find(id) {
      return svg ? svg.querySelector(`[id="${CSS.escape(id)}"]`) : null;
    }

    function bounds(element) {
      const b = element.getBBox();
      const m = svg.getScreenCTM().inverse().multiply(element.getScreenCTM());
      const xs = [], ys = [];
      for (const [x, y] of [[b.x, b.y], [b.x + b.width, b.y], [b.x, b.y + b.height], [b.x + b.width, b.y + b.height]]) {
        xs.push(m.a * x + m.c * y + m.e);
        ys.push(m.b * x + m.d * y + m.f);
      }
      return {x: Math.min(...xs), y: Math.min(...ys), w: Math.max(...xs) - Math.min(...xs), h: Math.max(...ys) - Math.min(...ys)};
    }

    function highlight(id, reveal = true) {
      const element = find(id);
      if (ring) ring.remove();
      if (marked) marked.classList.remove("bp-highlight");
      ring = marked = null;
      if (!element) return false;
      marked = element;
      element.classList.add("bp-highlight");
      const b = bounds(element);
      const pad = 6 * unitsPerPixel();
      ring = document.createElementNS(SVG_NS, "rect");
      for (const [name, value] of Object.entries({
        x: b.x - pad, y: b.y - pad, width: b.w + 2 * pad, height: b.h + 2 * pad, rx: pad,
        fill: "#ffd43b", "fill-opacity": "0.25", stroke: RING, "stroke-width": "4",
        "vector-effect": "non-scaling-stroke", "pointer-events": "none", class: "bp-ring",
      })) ring.setAttribute(name, String(value));
      svg.appendChild(ring);
      if (reveal) {
        // Zoom in to about the drawing's natural size (a point a pixel) or until the element fills a third of
        // the view, whichever is less close, never out; centre it.
        const w = Math.min(box.w, Math.max(b.w * 3, svg.getBoundingClientRect().width * 1.25));
        const h = w * box.h / box.w;
        box = {x: b.x + b.w / 2 - w / 2, y: b.y + b.h / 2 - h / 2, w, h};
        moved = true;
        apply();
        container.scrollIntoView({behavior: "smooth", block: "center"});
      }
      return true;
    }

    function showTip(event) {
      let node = event.target;
      while (node && node !== container && !(node.id && details[node.id])) node = node.parentNode;
      if (!node || node === container || drag) {
        tip.style.display = "none";
        return;
      }
      const rows = details[node.id];
      tip.replaceChildren(...rows.map(([name, value]) => {
        const line = document.createElement("div");
        if (name) {
          const key = document.createElement("span");
          key.textContent = name + ": ";
          key.style.opacity = "0.75";
          line.append(key, document.createTextNode(value));
        } else {
          line.textContent = value;
          line.style.fontWeight = "bold";
        }
        return line;
      }));
      tip.style.display = "block";
      const x = Math.min(event.clientX + 14, window.innerWidth - tip.offsetWidth - 8);
      const y = event.clientY + 18 + tip.offsetHeight > window.innerHeight ? event.clientY - tip.offsetHeight - 12
                                                                            : event.clientY + 18;
      tip.style.left = Math.max(8, x) + "px";
      tip.style.top = Math.max(8, y) + "px";
    }

    let drag = null;
    container.addEventListener("wheel", (event) => {
      if (!svg) return;
      event.preventDefault();
      const p = toDrawing(event.clientX, event.clientY);
      zoomAbout(Math.exp(-event.deltaY * (event.deltaMode === 1 ? 0.05 : 0.0015)), p.x, p.y);
    }, {passive: false});
    container.addEventListener("pointerdown", (event) => {
      if (!svg || event.button !== 0) return;
      drag = {x: event.clientX, y: event.clientY, box: {...box}, scale: unitsPerPixel(), id: event.pointerId};
      svg.style.cursor = "grabbing";
    });
    container.addEventListener("pointermove", (event) => {
      if (drag && event.pointerId === drag.id) {
        if (!container.hasPointerCapture(event.pointerId)) container.setPointerCapture(event.pointerId);
        box = {...drag.box, x: drag.box.x - (event.clientX - drag.x) * drag.scale,
               y: drag.box.y - (event.clientY - drag.y) * drag.scale};
        moved = true;
        apply();
      }
      showTip(event);
    });
    const endDrag = () => {
      drag = null;
      if (svg) svg.style.cursor = "grab";
    };
    container.addEventListener("pointerup", endDrag);
    container.addEventListener("pointercancel", endDrag);
    container.addEventListener("pointerleave", () => { tip.style.display = "none"; });
    container.addEventListener("dblclick", fit);
    container.addEventListener("keydown", (event) => {
      if (!svg) return;
      const step = 40 * unitsPerPixel();
      const pans = {ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step]};
      if (event.key === "+" || event.key === "=") zoom(1.25);
      else if (event.key === "-") zoom(0.8);
      else if (event.key === "0") fit();
      else if (pans[event.key]) {
        box = {...box, x: box.x + pans[event.key][0], y: box.y + pans[event.key][1]};
        moved = true;
        apply();
      } else return;
      event.preventDefault();
    });

    const existing = container.querySelector("svg");
    if (existing) {
      sanitize(existing);
      adopt(existing);
      box = {...full};
      apply();
    }
    return {
      load, highlight, fit, zoom,
      has: (id) => find(id) !== null,
      setDetails: (map) => { details = map || {}; },
    };
  }

  global.BlueprintInteractive = {attach};
})(window);
