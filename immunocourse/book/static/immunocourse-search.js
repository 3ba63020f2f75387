// Opened from disk (the offline copy), the browser refuses the fetch that Sphinx's search
// makes for each hit's summary: list the hits without summaries there.
if (window.location.protocol === "file:" && typeof DOCUMENTATION_OPTIONS !== "undefined") {
  DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;
}
