// The site's own small behaviours, on every page.

// The language menu keeps the reader on the same section: the translations give every
// heading the English page's anchor (docsite/translations.py), so the hash carries over.
document.addEventListener("click", (event) => {
  const link = event.target.closest(".md-select__link[hreflang]");
  if (link && window.location.hash && !link.hash) {
    link.hash = window.location.hash;
  }
});

// The calculators' script and styles load only on a page that has a calculator.
(() => {
  const assets = new URL(".", document.currentScript.src);
  const load = () => {
    if (!document.querySelector("[data-calc]")) return;
    const style = document.createElement("link");
    style.rel = "stylesheet";
    style.href = new URL("calculators.css", assets).href;
    const script = document.createElement("script");
    script.src = new URL("calculators.js", assets).href;
    document.head.append(style, script);
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", load);
  } else {
    load();
  }
})();
