// dipsearch enhancements. Every page works without this file: it only adds a clipboard
// button, live filtering of the speaker facet, drag selection of years, and folds the
// facets on small screens. Loaded with `defer` from 'self' (the CSP allows nothing else).
"use strict";

function enableCopyButtons() {
  for (const button of document.querySelectorAll("button.copy-citation")) {
    button.hidden = false;
    button.addEventListener("click", () => copyCitation(button));
  }
}

async function copyCitation(button) {
  const text = document.getElementById(button.dataset.citation);
  const status = button.parentElement.querySelector(".copy-status");
  try {
    await navigator.clipboard.writeText(text.textContent.trim());
    status.textContent = "Copied";
  } catch (error) {
    // No clipboard (an old browser or an insecure origin): show the text, selected.
    text.closest("details").open = true;
    window.getSelection().selectAllChildren(text);
    status.textContent = "Press Ctrl+C to copy";
  }
  setTimeout(() => { status.textContent = ""; }, 4000);
}

function wordsStartWith(name, typed) {
  const folded = name.toLocaleLowerCase();
  return folded.startsWith(typed) || folded.split(/\s+/).some((word) => word.startsWith(typed));
}

function enableFacetFilter() {
  for (const input of document.querySelectorAll("input[data-filters]")) {
    const list = document.getElementById(input.dataset.filters);
    if (!list) continue;
    input.addEventListener("input", () => {
      const typed = input.value.trim().toLocaleLowerCase();
      for (const item of list.children) {
        const name = item.querySelector(".value").textContent;
        item.hidden = typed !== "" && !wordsStartWith(name, typed);
      }
    });
  }
}

function rangeUrl(first, last) {
  const url = new URL(window.location.href);
  url.searchParams.set("date_from", String(Math.min(first, last)));
  url.searchParams.set("date_to", String(Math.max(first, last)));
  url.searchParams.delete("page");
  url.searchParams.delete("cursor");
  return url.toString();
}

function enableYearDrag() {
  const chart = document.querySelector("svg.histogram");
  if (!chart) return;
  let start = null;
  let end = null;
  const yearAt = (event) => {
    const hit = document.elementFromPoint(event.clientX, event.clientY);
    return hit && hit.dataset && hit.dataset.year ? Number(hit.dataset.year) : null;
  };
  const paint = () => {
    for (const slot of chart.querySelectorAll(".slot")) {
      const year = Number(slot.dataset.year);
      const inside = start !== null && year >= Math.min(start, end) && year <= Math.max(start, end);
      slot.classList.toggle("dragging", inside);
    }
  };
  chart.addEventListener("pointerdown", (event) => {
    start = end = yearAt(event);
    if (start === null) return;
    event.preventDefault();
    chart.setPointerCapture(event.pointerId);
    paint();
  });
  chart.addEventListener("pointermove", (event) => {
    if (start === null) return;
    const year = yearAt(event);
    if (year !== null && year !== end) { end = year; paint(); }
  });
  chart.addEventListener("pointerup", () => {
    if (start === null) return;
    const first = start;
    start = null;
    window.location.assign(rangeUrl(first, end));
  });
  // Pointer capture sends the click to the chart, not to the year's link: pointerup has
  // already chosen the year or range, so the click must do nothing more.
  chart.addEventListener("click", (event) => event.preventDefault());
}

function foldFacetsOnSmallScreens() {
  if (!window.matchMedia("(max-width: 52rem)").matches) return;
  for (const facet of document.querySelectorAll("details.facet")) {
    const filtered = facet.querySelector("input[data-filters]");
    if (!facet.querySelector(".selected") && !(filtered && filtered.value)) facet.open = false;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  enableCopyButtons();
  enableFacetFilter();
  enableYearDrag();
  foldFacetsOnSmallScreens();
});
