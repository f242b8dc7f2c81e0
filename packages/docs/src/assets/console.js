// The live console (console.html): connects to a server that speaks the protocol, logs in with a
// token from a token URL, sends requests checked by the validators before they leave, and shows
// every frame that comes back, checked and linked to its section. It knows the protocol only from
// the page's #console-data (generated from the spec) and checks with window.customerChatValidators
// (the @customer-chat/validators bundle). Every failure is shown on the page; nothing throws.
(function () {
  'use strict';

  var dataElement = document.getElementById('console-data');
  var validators = window.customerChatValidators;
  if (!dataElement || !validators) return;
  var data = JSON.parse(dataElement.textContent || '{}');
  var $ = function (id) { return document.getElementById(id); };
  var server = $('console-server');
  var tokenUrl = $('console-token-url');
  var connectButton = $('console-connect');
  var status = $('console-status');
  var select = $('console-request');
  var payload = $('console-payload');
  var issues = $('console-issues');
  var log = $('console-log');

  var params = new URLSearchParams(location.search);
  server.value = params.get('server') || data.defaults.server;
  tokenUrl.value = params.get('token') || data.defaults.tokenUrl;

  var socket = null;
  var counter = 0;
  /** Requests sent and not answered, by request id: their description. */
  var waiting = {};

  data.requests.forEach(function (request) {
    var option = document.createElement('option');
    option.value = request.id;
    option.textContent = request.id + ' (' + request.action + ')';
    select.appendChild(option);
  });
  function selected() {
    return data.requests.filter(function (r) { return r.id === select.value; })[0];
  }
  function prefill() {
    var request = selected();
    if (request) payload.value = JSON.stringify(request.example, null, 2);
    showIssues([]);
  }
  select.addEventListener('change', prefill);
  prefill();

  function setStatus(text, tone) {
    status.textContent = text;
    status.className = 'console-status' + (tone ? ' ' + tone : '');
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** Lists problems, each at its JSON pointer. */
  function issueItems(list, errors) {
    errors.forEach(function (error) {
      var item = element('li', 'issue');
      item.appendChild(element('code', 'pointer', error.path === '' ? '(root)' : error.path));
      item.appendChild(document.createTextNode(' ' + error.message));
      list.appendChild(item);
    });
  }
  function showIssues(errors) {
    issues.textContent = '';
    issueItems(issues, errors);
  }

  /** One entry of the log: direction, what the frame is, whether it is valid, its section, the frame. */
  function record(direction, title, verdict, section, text) {
    var entry = element('li', 'frame ' + (direction === 'out' ? 'outgoing' : 'incoming') + (verdict && !verdict.ok ? ' invalid' : ''));
    var head = element('p', 'frame-head');
    head.appendChild(element('span', 'direction', direction === 'out' ? 'sent' : 'received'));
    head.appendChild(document.createTextNode(' '));
    if (section) {
      var link = element('a', 'frame-title', title);
      link.href = section;
      head.appendChild(link);
    } else head.appendChild(element('span', 'frame-title', title));
    if (verdict) {
      head.appendChild(document.createTextNode(' '));
      head.appendChild(element('span', 'verdict ' + (verdict.ok ? 'valid' : 'invalid'), verdict.ok ? 'valid' : 'invalid'));
    }
    entry.appendChild(head);
    if (verdict && !verdict.ok) {
      var list = element('ul', 'frame-issues');
      issueItems(list, verdict.errors);
      entry.appendChild(list);
    }
    entry.appendChild(element('pre', 'frame-text', text));
    log.insertBefore(entry, log.firstChild);
  }

  function matches(frame, constants) {
    return Object.keys(constants).every(function (key) { return frame[key] === constants[key]; });
  }

  /** Checks a frame that came in against what it says it is, and logs it. */
  function receive(text) {
    var frame;
    try {
      frame = JSON.parse(text);
    } catch (error) {
      record('in', 'a frame that is not JSON', { ok: false, errors: [{ path: '', message: String(error && error.message) }] }, null, text);
      return;
    }
    var pretty = JSON.stringify(frame, null, 2);
    if (frame === null || typeof frame !== 'object' || Array.isArray(frame)) {
      record('in', 'a frame that is not an object', { ok: false, errors: [{ path: '', message: 'must be object' }] }, null, pretty);
      return;
    }
    var id = frame[data.correlationField];
    if (matches(frame, data.frameConstants.push)) {
      var push = Object.prototype.hasOwnProperty.call(data.pushes, frame.action) ? data.pushes[frame.action] : null;
      if (!push) record('in', 'push ' + String(frame.action) + ' (not in the spec)', { ok: false, errors: [{ path: '/action', message: 'is no push of the spec' }] }, null, pretty);
      else record('in', 'push ' + push.message, validators.validateFrame(push.message, frame), push.section, pretty);
      return;
    }
    var request = typeof id === 'string' && Object.prototype.hasOwnProperty.call(waiting, id) ? waiting[id] : null;
    if (matches(frame, data.frameConstants.error)) {
      if (request) delete waiting[id];
      record('in', 'error' + (request ? ' to ' + request.id : ''), validators.validateFrame(request ? request.error : data.requests[0].error, frame), request ? request.section : null, pretty);
      return;
    }
    if (matches(frame, data.frameConstants.response)) {
      if (!request) {
        record('in', 'a response to no request of this console', { ok: false, errors: [{ path: '/' + data.correlationField, message: 'answers no request sent here' }] }, null, pretty);
        return;
      }
      delete waiting[id];
      record('in', 'response to ' + request.id, validators.validateFrame(request.response, frame), request.section, pretty);
      return;
    }
    record('in', 'a frame of no known kind', { ok: false, errors: [{ path: '', message: 'is no request, response, error or push frame' }] }, null, pretty);
  }

  /** Sends a request whose payload passed its check; false when not connected. */
  function send(request, body) {
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      setStatus('Not connected: connect first.', 'error');
      return false;
    }
    counter += 1;
    var frame = {};
    frame[data.correlationField] = 'console-' + counter;
    frame.action = request.action;
    Object.keys(data.frameConstants.request).forEach(function (key) { frame[key] = data.frameConstants.request[key]; });
    frame.payload = body;
    waiting[frame[data.correlationField]] = request;
    var text = JSON.stringify(frame);
    socket.send(text);
    record('out', request.id, validators.validateFrame(request.request, frame), request.section, JSON.stringify(frame, null, 2));
    return true;
  }

  /** The payload of the editor, checked: the issues are shown, and it is returned only when valid. */
  function checkedPayload() {
    var request = selected();
    var body;
    try {
      body = JSON.parse(payload.value);
    } catch (error) {
      showIssues([{ path: '', message: 'is not JSON: ' + String(error && error.message) }]);
      return null;
    }
    var result = validators.validate(request.request, body);
    showIssues(result.ok ? [] : result.errors);
    if (result.ok) issues.appendChild(element('li', 'issue valid', 'Valid: ' + request.request + ' as the spec says.'));
    return result.ok ? { request: request, body: body } : null;
  }

  $('console-validate').addEventListener('click', checkedPayload);
  $('console-send').addEventListener('click', function () {
    var checked = checkedPayload();
    if (checked) send(checked.request, checked.body);
  });

  function connect() {
    if (socket) socket.close();
    socket = null;
    waiting = {};
    setStatus('Getting a token from ' + tokenUrl.value + '\u2026');
    fetch(tokenUrl.value, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
      .then(function (response) {
        if (!response.ok) throw new Error('the token URL answered ' + response.status + ' ' + response.statusText);
        return response.json();
      })
      .then(function (body) {
        if (!body || typeof body.token !== 'string') throw new Error('the token URL did not answer { "token": "..." }');
        open(body.token);
      })
      .catch(function (error) {
        setStatus('Cannot get a token: ' + String(error && error.message), 'error');
      });
  }

  function open(token) {
    var url = server.value;
    var opened;
    try {
      opened = new WebSocket(url);
    } catch (error) {
      setStatus('Cannot open ' + url + ': ' + String(error && error.message), 'error');
      return;
    }
    socket = opened;
    setStatus('Connecting to ' + url + '\u2026');
    opened.addEventListener('open', function () {
      setStatus('Connected to ' + url + '; logging in\u2026', 'ok');
      var login = data.requests.filter(function (r) { return data.login && r.id === data.login.id; })[0];
      if (login) {
        var body = {};
        body[data.login.tokenArgument] = token;
        send(login, body);
      }
    });
    opened.addEventListener('message', function (event) {
      if (typeof event.data === 'string') receive(event.data);
      else record('in', 'a binary frame', { ok: false, errors: [{ path: '', message: 'must be a text frame' }] }, null, '(binary)');
      if (socket === opened && status.className.indexOf('error') === -1) setStatus('Connected to ' + url + '.', 'ok');
    });
    opened.addEventListener('close', function (event) {
      if (socket !== opened) return;
      socket = null;
      setStatus('Closed: code ' + event.code + (event.reason ? ' (' + event.reason + ')' : '') + (event.code === 1006 ? ': the server cannot be reached, or the link dropped.' : '.'), 'error');
    });
  }

  connectButton.addEventListener('click', connect);
})();
