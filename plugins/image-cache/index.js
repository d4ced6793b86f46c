// Netlify starts each build from a fresh clone: the PNG images drawn by the last build (.cache/images/,
// keyed by the content they are drawn from) are restored before the build and saved after it, so that a
// deploy draws only the images whose drawing changed.
const CACHE = ".cache/images";

module.exports = {
  async onPreBuild({ utils }) {
    await utils.cache.restore(CACHE);
  },
  async onPostBuild({ utils }) {
    await utils.cache.save(CACHE);
  },
};
