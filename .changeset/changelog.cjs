// CHANGELOG lines for rosterkit's packages, written for someone reading a package's changelog on
// npm: the changeset text as written (no commit hashes, which link nowhere there), and one line
// naming the rosterkit packages it was released with, except on a package's first release.

/** @type {import('@changesets/types').ChangelogFunctions['getReleaseLine']} */
async function getReleaseLine(changeset) {
  const [first, ...rest] = changeset.summary.split('\n').map((l) => l.trimEnd());
  return [`- ${first}`, ...rest.map((l) => (l ? `  ${l}` : ''))].join('\n');
}

/** @type {import('@changesets/types').ChangelogFunctions['getDependencyReleaseLine']} */
async function getDependencyReleaseLine(_changesets, dependencies) {
  const updated = dependencies.filter((d) => d.oldVersion !== '0.0.0');
  if (updated.length === 0) return '';
  return `- Uses ${updated.map((d) => `${d.name}@${d.newVersion}`).join(', ')}.`;
}

module.exports = { default: { getReleaseLine, getDependencyReleaseLine } };
