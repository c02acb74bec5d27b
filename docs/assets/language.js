// The language menu keeps the reader on the same section: the translations give every
// heading the English page's anchor (docsite/translations.py), so the hash carries over.
document.addEventListener("click", (event) => {
  const link = event.target.closest(".md-select__link[hreflang]");
  if (link && window.location.hash && !link.hash) {
    link.hash = window.location.hash;
  }
});
