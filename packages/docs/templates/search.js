// One search over every provider's operations, in the browser, from the operation index the build
// writes (operations.json, inlined into the page so it also works from file://). Nothing is fetched.
(() => {
  const index = JSON.parse(document.getElementById('operation-index').textContent);
  const ops = [];
  for (const [provider, list] of Object.entries(index.operations)) {
    for (const op of list) {
      ops.push({
        ...op,
        provider,
        label: index.labels[provider] ?? provider,
        fields: [
          [op.operationId.toLowerCase(), 8],
          [op.summary.toLowerCase(), 5],
          [op.path.toLowerCase(), 4],
          [`${op.method} ${op.path}`.toLowerCase(), 3],
          [op.tag.toLowerCase(), 2],
          [(index.labels[provider] ?? provider).toLowerCase(), 2],
          [op.text.toLowerCase(), 1],
        ],
      });
    }
  }
  const input = document.getElementById('search');
  const out = document.getElementById('search-results');
  const status = document.getElementById('search-status');

  const score = (op, terms) => {
    let total = 0;
    for (const term of terms) {
      let best = 0;
      for (const [text, weight] of op.fields) {
        if (text === term) best = Math.max(best, weight * 3);
        else if (text.startsWith(term)) best = Math.max(best, weight * 2);
        else if (text.includes(term)) best = Math.max(best, weight);
      }
      if (best === 0) return 0; // every term must match somewhere
      total += best;
    }
    return total;
  };

  const render = () => {
    const terms = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    out.replaceChildren();
    if (terms.length === 0) {
      status.textContent = `${ops.length} operations across ${Object.keys(index.operations).length} providers.`;
      return;
    }
    const hits = ops
      .map((op) => ({ op, s: score(op, terms) }))
      .filter((h) => h.s > 0)
      .sort((a, b) => b.s - a.s || a.op.label.localeCompare(b.op.label));
    status.textContent = `${hits.length} operation${hits.length === 1 ? '' : 's'} match “${input.value.trim()}”.`;
    for (const { op } of hits.slice(0, 50)) {
      const li = document.createElement('li');
      const a = document.createElement('a');
      a.href = op.href;
      a.className = 'hit';
      const method = document.createElement('span');
      method.className = `method m-${op.method.toLowerCase()}`;
      method.textContent = op.method;
      const path = document.createElement('code');
      path.textContent = op.path;
      const summary = document.createElement('span');
      summary.className = 'summary';
      summary.textContent = op.summary;
      const meta = document.createElement('span');
      meta.className = 'where';
      meta.textContent = `${op.label} · ${op.operationId}`;
      a.append(method, path, summary, meta);
      li.append(a);
      out.append(li);
    }
  };
  input.addEventListener('input', render);
  const fromUrl = new URLSearchParams(location.search).get('q');
  if (fromUrl) input.value = fromUrl;
  render();
})();
