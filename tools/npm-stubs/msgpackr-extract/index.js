// msgpackr treats a missing extractor as "no native acceleration" and uses pure JS.
module.exports = null;
