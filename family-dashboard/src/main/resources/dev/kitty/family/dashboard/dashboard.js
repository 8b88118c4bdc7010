// kitty's dashboard page: served as a file of its own, the CSP allows no inline script (ADR 27).
function cls(c) { return c.recorded ? 'recorded' : c.cleanup_class; }
function el(tag, attrs, text) { const e = document.createElement(tag); Object.assign(e, attrs || {}); if (text !== undefined) e.textContent = text; return e; }
async function refresh() {
  let s;
  try { s = await (await fetch('/api/state', {cache: 'no-store', credentials: 'same-origin'})).json(); }
  catch (e) { document.getElementById('updated').textContent = 'cannot reach kitty: ' + e; return; }
  if (s.error) { document.getElementById('updated').textContent = s.error; return; }
  const map = document.getElementById('map'); map.replaceChildren();
  const rows = document.getElementById('candidates'); rows.replaceChildren();
  rows.appendChild(el('tr', {}, '')).append(el('th', {}, 'family'), el('th', {}, 'port'), el('th', {}, 'pid'), el('th', {}, 'class'), el('th', {}, 'why'));
  for (const f of s.families) {
    const byPort = new Map(f.candidates.map(c => [c.port, c]));
    const box = el('div', {className: 'range'});
    box.append(el('div', {}, f.id + ' [' + f.port_range.from + ', ' + f.port_range.to + ')  ' + f.candidates.length + ' listening'));
    const grid = el('div', {className: 'grid'});
    for (let p = f.port_range.from; p < f.port_range.to; p++) {
      const c = byPort.get(p);
      grid.append(el('div', {className: 'cell ' + (c ? cls(c) : 'free'), title: c ? p + ' pid ' + c.pid + ' ' + cls(c) + (c.skip_reason ? ': ' + c.skip_reason : '') : p + ' free'}));
    }
    box.append(grid); map.append(box);
    for (const c of f.candidates) {
      const tr = el('tr'); tr.append(el('td', {}, f.id), el('td', {}, String(c.port)), el('td', {}, String(c.pid)), el('td', {className: cls(c)}, cls(c)), el('td', {className: 'dim'}, c.skip_reason || ''));
      rows.append(tr);
    }
  }
  const fix = document.getElementById('fix'); fix.replaceChildren();
  if (!s.remediation || s.remediation.length === 0) fix.textContent = 'nothing needs action';
  else for (const r of s.remediation) { const line = el('div'); line.append(el('code', {}, r)); fix.append(line); }
  const ghosts = document.getElementById('ghosts'); ghosts.replaceChildren();
  if (!s.ghosts || s.ghosts.length === 0) ghosts.textContent = 'none';
  for (const g of (s.ghosts || [])) {
    ghosts.append(el('div', {}, g.daemon_family + ' ' + g.address + ':' + g.port + ' held by '
      + g.holder_pids.join(', ') + (g.owner_pid === null ? '' : ' (owner ' + g.owner_pid + ')') + ': ' + g.reason));
  }
  const runaway = document.getElementById('runaway'); runaway.replaceChildren();
  if (!s.runaway || s.runaway.length === 0) runaway.textContent = 'none';
  for (const r of (s.runaway || [])) runaway.append(el('div', {}, r));
  const trees = document.getElementById('trees'); trees.replaceChildren();
  if (!s.trees || s.trees.length === 0) trees.textContent = 'none live';
  for (const t of (s.trees || [])) {
    const box = el('div', {className: 'tree'});
    for (const n of t.nodes) {
      const line = el('div', {}, '');
      line.style.paddingLeft = (n.depth * 18) + 'px';
      line.append(el('code', {className: n.target ? 'recorded' : ''}, String(n.pid)));
      line.append(el('span', {}, '  ' + (n.args && n.args.length ? n.args.join(' ') : n.command).slice(0, 110)
        + (n.ports.length ? '  :' + n.ports.join(' :') : '')));
      box.append(line);
    }
    trees.append(box);
  }
  const rec = document.getElementById('records');
  rec.textContent = (s.records || []).length === 0 ? 'none' : s.records.map(r => r.file).join('  ·  ');
  document.getElementById('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
}
refresh(); setInterval(refresh, 2000);
