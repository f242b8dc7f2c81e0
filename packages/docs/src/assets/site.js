// The documentation site's one script: search over the prebuilt index, copy buttons on code
// blocks, and a compact table of contents on small screens. No request leaves the page.
(function () {
  'use strict';

  // ---- search -------------------------------------------------------------------------------
  // A field search lists the events carrying the field first, then the methods, then the schemas.
  var KIND_ORDER = ['event', 'method', 'schema', 'event field', 'method field', 'field', 'error type', 'error code', 'disconnection', 'policy', 'section', 'protocol', 'server', 'overview'];
  var MAX_RESULTS = 20;
  var input = document.getElementById('search');
  var list = document.getElementById('search-results');
  var status = document.getElementById('search-status');
  var index = Array.isArray(window.customerChatDocsIndex) ? window.customerChatDocsIndex : [];
  var prepared = index.map(function (entry, position) {
    var title = String(entry.t).toLowerCase();
    return {
      entry: entry,
      position: position,
      title: title,
      // `user is typing` finds `user_is_typing`, `chat summary` finds `ChatSummary.chat`.
      words: String(entry.t).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase().replace(/[_.\-]+/g, ' '),
      text: (title + ' ' + String(entry.t).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase() + ' ' + String(entry.d).toLowerCase() + ' ' + entry.k),
      kind: KIND_ORDER.indexOf(entry.k) === -1 ? KIND_ORDER.length : KIND_ORDER.indexOf(entry.k),
    };
  });
  var active = -1;

  // 0: the title is the query; 1: a word of the title is (or the title starts with) the query;
  // 2: the title contains it; 3: the title has every term; 4: the description matched.
  function rank(item, query, terms) {
    if (item.title === query) return 0;
    if (item.title.indexOf(query) === 0 || (' ' + item.words + ' ').indexOf(' ' + query + ' ') !== -1) return 1;
    if (item.title.indexOf(query) !== -1) return 2;
    if (terms.every(function (term) { return item.title.indexOf(term) !== -1 || item.words.indexOf(term) !== -1; })) return 3;
    return 4;
  }

  function search(raw) {
    var query = raw.trim().toLowerCase();
    if (query === '') return [];
    var terms = query.split(/\s+/);
    return prepared
      .filter(function (item) { return terms.every(function (term) { return item.text.indexOf(term) !== -1; }); })
      .map(function (item) { return { item: item, rank: rank(item, query, terms) }; })
      .sort(function (a, b) {
        return a.rank - b.rank || a.item.kind - b.item.kind || a.item.title.length - b.item.title.length || a.item.position - b.item.position;
      })
      .map(function (result) { return result.item.entry; });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function links() {
    return list ? Array.prototype.slice.call(list.querySelectorAll('a')) : [];
  }

  function setActive(next) {
    var all = links();
    if (all.length === 0) return;
    active = (next + all.length) % all.length;
    all.forEach(function (link, i) { link.classList.toggle('active', i === active); });
    all[active].scrollIntoView({ block: 'nearest' });
  }

  function hide() {
    if (!list) return;
    list.hidden = true;
    active = -1;
  }

  function show(raw) {
    if (!list || !input) return;
    var results = search(raw);
    list.textContent = '';
    active = -1;
    if (raw.trim() === '') {
      hide();
      if (status) status.textContent = '';
      return;
    }
    if (results.length === 0) {
      list.appendChild(element('li', 'empty', 'No match for \u201c' + raw.trim() + '\u201d'));
    }
    results.slice(0, MAX_RESULTS).forEach(function (entry) {
      var item = element('li');
      var link = element('a');
      link.href = entry.h;
      link.appendChild(element('span', 'result-title', entry.t));
      link.appendChild(element('span', 'result-kind', entry.k));
      if (entry.d) link.appendChild(element('span', 'result-desc', entry.d));
      link.addEventListener('click', hide);
      item.appendChild(link);
      list.appendChild(item);
    });
    list.hidden = false;
    if (status) status.textContent = results.length === 1 ? '1 result' : results.length + ' results';
  }

  if (input && list) {
    input.addEventListener('input', function () { show(input.value); });
    input.addEventListener('focus', function () { if (input.value.trim() !== '') show(input.value); });
    input.addEventListener('keydown', function (event) {
      if (event.key === 'ArrowDown') { event.preventDefault(); setActive(active + 1); }
      else if (event.key === 'ArrowUp') { event.preventDefault(); setActive(active - 1); }
      else if (event.key === 'Enter') {
        var all = links();
        var target = all[active === -1 ? 0 : active];
        if (target) { event.preventDefault(); hide(); window.location.href = target.href; }
      } else if (event.key === 'Escape') { input.value = ''; hide(); }
    });
    document.addEventListener('click', function (event) {
      if (!(event.target instanceof Node) || !input.parentNode || !input.parentNode.contains(event.target)) hide();
    });
    document.addEventListener('keydown', function (event) {
      var target = event.target;
      var typing = target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
      if (event.key === '/' && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) { event.preventDefault(); input.focus(); }
    });
  }

  // ---- copy buttons -------------------------------------------------------------------------
  function fallbackCopy(text) {
    var area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.top = '-1000px';
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand('copy'); } catch (error) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }

  function copy(text) {
    if (navigator.clipboard && typeof navigator.clipboard.writeText === 'function') {
      return navigator.clipboard.writeText(text).then(function () { return true; }, function () { return fallbackCopy(text); });
    }
    return Promise.resolve(fallbackCopy(text));
  }

  Array.prototype.forEach.call(document.querySelectorAll('button.copy'), function (button) {
    var reset;
    button.addEventListener('click', function () {
      var block = button.closest('.code-block');
      var code = block ? block.querySelector('pre code') : null;
      if (!code) return;
      copy(code.textContent || '').then(function (ok) {
        button.textContent = ok ? 'Copied' : 'Press Ctrl+C';
        button.classList.toggle('copied', ok);
        button.setAttribute('data-copied', ok ? 'true' : 'false');
        clearTimeout(reset);
        reset = setTimeout(function () {
          button.textContent = 'Copy';
          button.classList.remove('copied');
          button.removeAttribute('data-copied');
        }, 1600);
      });
    });
  });

  // ---- table of contents on small screens ---------------------------------------------------
  var toc = document.querySelector('.toc');
  if (toc && window.matchMedia && window.matchMedia('(max-width: 900px)').matches) toc.removeAttribute('open');
})();
