// Stand-in for MathJax in the test book: the real one would be fetched from a CDN.
