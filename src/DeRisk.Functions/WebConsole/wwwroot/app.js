// The DeRisk subscriber console: a small single-page app on hash routes, over the DeRisk API.

import { api, session } from './api.js';
import { h, field, select, showProblem, clearErrors, formError, formatTime } from './dom.js';
import { ruleEditor, lifecycleFields, describe, fitsForm, useAssets } from './rules.js';
import { renderPreview } from './preview.js';

const view = document.getElementById('view');
const nav = document.getElementById('nav');
const status = document.getElementById('status');

/** The API's DeliveryPreferences.MaxDailyCap. */
const MAX_DAILY_CAP = 100;

/** Quiet hours as two local times; the API's errors land on quietHours, quietHours.start or quietHours.end. */
function quietHoursFields(legend, start, end) {
  return h('fieldset', { dataset: { path: 'quietHours' } }, h('legend', { text: legend }),
    field('From', start, { path: 'quietHours.start' }),
    field('Until', end, { path: 'quietHours.end' }),
    h('p', { className: 'error', hidden: true }));
}

function say(text) {
  status.textContent = text;
}

function timeZones(current) {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const all = zones.includes(current) || !current ? zones : [current, ...zones];
  if (!all.includes('UTC')) all.unshift('UTC');
  return all.map(zone => [zone, zone]);
}

function browserZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

function page(title, ...content) {
  document.title = `${title} · DeRisk`;
  const heading = h('h1', { tabindex: '-1', text: title });
  view.replaceChildren(heading, ...content);
  heading.focus();
}

function renderNav() {
  const links = session.signedIn
    ? [['#/rules', 'Rules'], ['#/rules/new', 'New rule'], ['#/alerts', 'Alerts'], ['#/profile', 'Profile']]
    : [['#/signup', 'Sign up or sign in'], ['#/confirm', 'Enter a code']];
  const current = location.hash || '#/';
  nav.replaceChildren(...links.map(([href, text]) =>
    h('li', {}, h('a', { href, text, 'aria-current': current === href ? 'page' : null }))));
  if (session.signedIn) {
    nav.append(h('li', {}, h('button', { type: 'button', className: 'link', text: 'Sign out', onclick: signOut })));
  }
}

async function signOut() {
  await api('POST', 'me/tokens/revoke');
  session.token = null;
  say('Signed out.');
  location.hash = '#/signup';
}

// --- Sign up and confirm ---------------------------------------------------------------------------------------

function signUpPage() {
  const phone = h('input', { type: 'tel', name: 'phone', autocomplete: 'tel', placeholder: '+14155550123', inputmode: 'tel' });
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'email', placeholder: 'you@example.com' });
  const zone = select(timeZones(browserZone()), browserZone(), { name: 'timeZone' });
  const quietStart = h('input', { type: 'time', name: 'quietStart' });
  const quietEnd = h('input', { type: 'time', name: 'quietEnd' });
  const cap = h('input', { type: 'number', name: 'dailyCap', min: 1, max: MAX_DAILY_CAP, step: 1, inputmode: 'numeric', placeholder: '5' });
  const form = h('form', { novalidate: true, className: 'card' },
    formError(),
    h('p', { text: 'Give a mobile number, an email address, or both. A 6-digit code goes to each; alerts go only to addresses you confirm.' }),
    field('Mobile number (E.164, with country code)', phone, { path: 'phone' }),
    field('Email address', email, { path: 'email' }),
    field('Time zone', zone, { path: 'timeZone' }),
    quietHoursFields('Quiet hours (optional: non-critical alerts wait until they end)', quietStart, quietEnd),
    field('Most alerts a day (optional)', cap, { path: 'dailyCap' }),
    h('button', { type: 'submit', text: 'Send my code' }));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    clearErrors(form);
    const body = { timeZone: zone.value };
    if (phone.value.trim()) body.phone = phone.value.trim();
    if (email.value.trim()) body.email = email.value.trim();
    if (quietStart.value || quietEnd.value) body.quietHours = { start: quietStart.value, end: quietEnd.value };
    if (cap.value !== '') body.dailyCap = Number.isNaN(cap.valueAsNumber) ? cap.value : cap.valueAsNumber;
    const answer = await api('POST', 'subscribers', body);
    if (!answer.ok) {
      showProblem(form, answer.problem);
      return;
    }

    session.pending = { phone: body.phone ?? null, email: body.email ?? null, signUpId: answer.data.signUpId ?? null, expiresAt: answer.data.expiresAt };
    say('Code sent.');
    location.hash = '#/confirm';
  });
  page('Sign up or sign in', form);
}

function confirmPage() {
  const pending = session.pending;
  if (!pending) {
    page('Enter a code', h('p', {}, 'Nothing is waiting for a code. ', h('a', { href: '#/signup', text: 'Sign up or sign in' }), ' first.'));
    return;
  }

  const rows = [];
  if (pending.phone) rows.push({ channel: 'phone', address: pending.phone, label: `Code sent by SMS to ${pending.phone}` });
  if (pending.email) rows.push({ channel: 'email', address: pending.email, label: `Code sent by email to ${pending.email}` });
  const form = h('form', { novalidate: true, className: 'card' }, formError(),
    h('p', { text: `Codes expire ${formatTime(pending.expiresAt)}.` }));
  for (const row of rows) {
    row.input = h('input', { type: 'text', name: `code-${row.channel}`, inputmode: 'numeric', autocomplete: 'one-time-code', pattern: '[0-9]{6}', maxlength: 6 });
    row.field = field(row.label, row.input, { path: `code-${row.channel}` });
    form.append(row.field);
  }

  form.append(h('button', { type: 'submit', text: 'Confirm' }));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    clearErrors(form);
    let signedIn = false;
    for (const row of rows.filter(r => !r.done && r.input.value.trim())) {
      const body = { [row.channel]: row.address, code: row.input.value.trim() };
      if (pending.signUpId) body.signUpId = pending.signUpId;
      const answer = await api('POST', 'subscribers/confirm', body);
      if (!answer.ok) {
        // The API's problem names "code"; show it beside this address's code.
        const errors = Object.fromEntries(Object.entries(answer.problem.errors ?? { code: [answer.problem.detail ?? answer.problem.title] })
          .map(([key, value]) => [key === 'code' || key === row.channel ? `code-${row.channel}` : key, value]));
        showProblem(form, { ...answer.problem, errors });
        return;
      }

      row.done = true;
      row.input.disabled = true;
      session.token = answer.data.token;
      signedIn = true;
    }

    if (!signedIn && !session.signedIn) {
      showProblem(form, { errors: { [`code-${rows[0].channel}`]: ['Enter the 6-digit code.'] } });
      return;
    }

    if (rows.every(r => r.done)) session.pending = null;
    say('Confirmed. You are signed in.');
    location.hash = '#/rules';
  });
  page('Enter your code', form);
}

// --- Rules ---------------------------------------------------------------------------------------------------

async function rulesPage() {
  const answer = await api('GET', 'me/rules');
  if (!answer.ok) {
    page('Your rules', problemText(answer.problem));
    return;
  }

  const output = h('div', { className: 'test-result', 'aria-live': 'polite' });
  const list = h('ul', { className: 'rule-list', id: 'rule-list' });
  for (const item of answer.data) {
    const actions = h('div', { className: 'actions' });
    const remove = h('button', { type: 'button', className: 'secondary', text: 'Delete' });
    remove.addEventListener('click', () => {
      const yes = h('button', { type: 'button', className: 'danger', text: 'Yes, delete this rule' });
      const no = h('button', { type: 'button', className: 'secondary', text: 'Keep it' });
      yes.addEventListener('click', async () => {
        const deleted = await api('DELETE', `me/rules/${encodeURIComponent(item.id)}`);
        say(deleted.ok ? 'Rule deleted.' : problemText(deleted.problem).textContent);
        route();
      });
      no.addEventListener('click', () => route());
      actions.replaceChildren(h('span', { text: 'Delete this rule?' }), yes, no);
      // Focus on the safe choice: a second Enter keeps the rule.
      no.focus();
    });
    actions.append(
      h('a', { className: 'button secondary', href: `#/rules/edit/${encodeURIComponent(item.id)}`, text: 'Edit' }),
      h('button', { type: 'button', className: 'secondary', text: 'Test now', onclick: () => testRule(item, output) }),
      remove);
    list.append(h('li', { dataset: { ruleId: item.id } },
      item.rule.name ? h('p', { className: 'rule-name', text: item.rule.name }) : null,
      h('p', { className: 'rule-text', text: describe(item.rule) }),
      h('p', { className: 'meta', text: `${item.rule.kind} · added ${formatTime(item.createdAt)}` }),
      actions));
  }

  page('Your rules',
    answer.data.length ? list : h('p', { text: 'No rules yet.' }),
    h('p', {}, h('a', { className: 'button', href: '#/rules/new', text: 'New rule' })),
    output);
}

async function testRule(item, output) {
  const answer = await api('POST', `me/rules/${encodeURIComponent(item.id)}/test`);
  if (!answer.ok) {
    output.replaceChildren(problemText(answer.problem));
    return;
  }

  const t = answer.data;
  output.replaceChildren(h('h2', { text: `Test: ${describe(item.rule)}` }), h('dl', {},
    h('dt', { text: 'Latest snapshot' }), h('dd', { text: t.snapshotAt ? formatTime(t.snapshotAt) : 'none' }),
    h('dt', { text: 'Verdict' }), h('dd', { text: t.noDataReason ? `${t.verdict}: ${t.noDataReason}` : t.verdict }),
    h('dt', { text: 'Now' }), h('dd', { text: t.currentStatus }),
    h('dt', { text: 'Next tick would' }), h('dd', { text: t.wouldDo }),
    h('dt', { text: 'Message' }), h('dd', { text: t.message ?? '(none)' })));
  output.querySelector('h2').setAttribute('tabindex', '-1');
  output.querySelector('h2').focus();
}

async function ruleFormPage(ruleId) {
  let existing = null;
  const [answer, assets] = await Promise.all([
    ruleId ? api('GET', `me/rules/${encodeURIComponent(ruleId)}`) : null,
    api('GET', 'assets'),
  ]);
  if (answer) {
    if (!answer.ok) {
      page('Edit rule', problemText(answer.problem));
      return;
    }

    existing = answer.data.rule;
  }

  // Without the list the form still offers the rule's own asset (or BTC), and the API checks what is saved.
  useAssets(assets.ok ? assets.data?.assets : []);
  if (existing && !fitsForm(existing)) {
    // Never shown with defaults (and saved that way): the rule as the API holds it, read-only.
    page('Edit rule',
      h('p', { className: 'note', text: 'This form cannot show this rule without changing it (a kind, field or nesting it does not support), so edit this rule with the API (PUT /api/me/rules/{ruleId}).' }),
      h('pre', { className: 'rule-json', tabindex: '0', 'aria-label': 'The rule as JSON', text: JSON.stringify(existing, null, 2) }),
      h('p', {}, h('a', { className: 'button secondary', href: '#/rules', text: 'Back to the rules' })));
    return;
  }

  const editor = ruleEditor(existing ?? { kind: 'priceChange', asset: 'BTC', direction: 'drop', percent: 10, window: '24h' });
  const lifecycle = lifecycleFields(existing ?? {});
  const name = h('input', { type: 'text', name: 'name', maxlength: 40, autocomplete: 'off', value: existing?.name ?? '' });
  const read = () => {
    const rule = lifecycle.apply(editor.read());
    if (name.value.trim()) rule.name = name.value.trim();
    return rule;
  };

  const rangeKind = select([['last30Days', 'The last 30 days of history'], ['lastYear', 'The last year of history'], ['custom', 'Dates I choose']], 'last30Days', { name: 'range' });
  const from = h('input', { type: 'date', name: 'from', value: '2022-05-01' });
  const to = h('input', { type: 'date', name: 'to', value: '2022-05-31' });
  const dates = h('div', { className: 'dates', hidden: true }, field('From', from, { path: 'from' }), field('To', to, { path: 'to' }));
  rangeKind.addEventListener('change', () => { dates.hidden = rangeKind.value !== 'custom'; });
  const previewButton = h('button', { type: 'button', className: 'secondary', text: 'Preview on real history' });
  const result = h('section', { className: 'preview', id: 'preview', 'aria-label': 'Preview' });
  const form = h('form', { novalidate: true, className: 'card' },
    formError(),
    field('Name (optional)', name, { path: 'name', hint: 'Up to 40 characters, e.g. "BTC crash"; shown in your list and in messages when it fits.' }),
    editor.element,
    lifecycle.element,
    h('fieldset', { className: 'preview-range' }, h('legend', { text: 'Preview: what would this rule have sent?' }),
      field('Over', rangeKind, { path: 'range' }), dates, previewButton),
    result,
    h('div', { className: 'actions' },
      h('button', { type: 'submit', text: ruleId ? 'Save changes' : 'Save rule' }),
      h('a', { className: 'button secondary', href: '#/rules', text: 'Cancel' })));

  previewButton.addEventListener('click', async () => {
    clearErrors(form);
    const body = { rule: read() };
    if (rangeKind.value === 'custom') {
      body.from = from.value;
      body.to = to.value;
    } else {
      body.range = rangeKind.value;
    }

    result.replaceChildren(h('p', { text: 'Replaying history…' }));
    const answer = await api('POST', 'preview', body);
    if (!answer.ok) {
      result.replaceChildren();
      showProblem(form, answer.problem, 'rule.');
      return;
    }

    renderPreview(result, answer.data);
    say(`Preview: ${answer.data.markers.length} message${answer.data.markers.length === 1 ? '' : 's'}.`);
  });

  form.addEventListener('submit', async event => {
    event.preventDefault();
    clearErrors(form);
    const answer = ruleId
      ? await api('PUT', `me/rules/${encodeURIComponent(ruleId)}`, read())
      : await api('POST', 'me/rules', read());
    if (!answer.ok) {
      showProblem(form, answer.problem);
      return;
    }

    say(ruleId ? 'Rule saved.' : 'Rule added.');
    location.hash = '#/rules';
  });
  page(ruleId ? 'Edit rule' : 'New rule', form);
}

// --- Alerts ---------------------------------------------------------------------------------------------------

function table(caption, headers, rows) {
  return h('div', { className: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption },
    h('table', {}, h('caption', { text: caption }),
      h('thead', {}, h('tr', {}, headers.map(text => h('th', { scope: 'col', text })))),
      h('tbody', {}, rows.map(row => h('tr', {}, row.map(cell => h('td', { text: cell ?? '' })))))));
}

/** Why news of a rule is waiting, and for what: quiet hours end, or the next digest. */
function heldText(state) {
  if (!state.held) return '';
  const until = state.held === 'quietHours' ? 'until your quiet hours end' : 'for the digest when your daily cap resets';
  return `${state.heldLine ?? 'an alert'} (${formatTime(state.heldSince)}), held ${until}`;
}

async function alertsPage() {
  const [alerts, rules] = await Promise.all([api('GET', 'me/alerts'), api('GET', 'me/rules')]);
  if (!alerts.ok) {
    page('Alerts', problemText(alerts.problem));
    return;
  }

  const names = new Map((rules.ok ? rules.data : []).map(r => [r.id, r.rule.name ?? describe(r.rule)]));
  const { rules: states, notifications } = alerts.data;
  page('Alerts',
    states.length
      ? table('Alert state of each rule', ['Rule', 'Status', 'Episode', 'Since', 'Observed', 'Last notified', 'Held back'],
        states.map(s => [names.get(s.ruleId) ?? s.ruleId, s.status, String(s.episode), formatTime(s.changedAt), typeof s.observed === 'number' ? s.observed.toFixed(2) : '',
          formatTime(s.lastNotifiedAt), heldText(s)]))
      : h('p', { text: 'No rule has changed state yet.' }),
    notifications.length
      ? table('Notifications, newest first', ['Notification', 'Channel', 'Status', 'Attempts', 'Provider status', 'Error', 'Sent'],
        notifications.map(n => [n.notificationId, n.channel, n.status, String(n.attempts), n.providerStatus, n.lastError, formatTime(n.sentAt)]))
      : h('p', { text: 'No notifications yet.' }));
}

// --- Profile --------------------------------------------------------------------------------------------------

async function profilePage() {
  const answer = await api('GET', 'me');
  if (!answer.ok) {
    page('Profile', problemText(answer.problem));
    return;
  }

  const me = answer.data;
  const zone = select(timeZones(me.timeZone), me.timeZone, { name: 'timeZone' });
  const quietStart = h('input', { type: 'time', name: 'quietStart', value: me.quietHours?.start ?? '' });
  const quietEnd = h('input', { type: 'time', name: 'quietEnd', value: me.quietHours?.end ?? '' });
  const cap = h('input', { type: 'number', name: 'dailyCap', min: 1, max: MAX_DAILY_CAP, step: 1, inputmode: 'numeric', value: me.dailyCap });
  const preferences = h('form', { novalidate: true, className: 'card', id: 'preferences' }, formError(),
    h('h2', { text: 'Delivery' }),
    field('Time zone', zone, { path: 'timeZone' }),
    quietHoursFields('Quiet hours (empty: none)', quietStart, quietEnd),
    field('Most alerts a day', cap, { path: 'dailyCap' }),
    h('button', { type: 'submit', text: 'Save' }));
  preferences.addEventListener('submit', async event => {
    event.preventDefault();
    clearErrors(preferences);
    if (cap.value === '') {
      // Empty (or not a number, which the browser reports as empty): there is no "no cap" to send.
      showProblem(preferences, { errors: { dailyCap: [`Enter the most alerts a day, a whole number from 1 to ${MAX_DAILY_CAP}.`] } });
      return;
    }

    const body = {
      timeZone: zone.value,
      quietHours: quietStart.value || quietEnd.value ? { start: quietStart.value, end: quietEnd.value } : null,
      dailyCap: cap.valueAsNumber,
    };
    const saved = await api('PATCH', 'me', body);
    if (!saved.ok) {
      showProblem(preferences, saved.problem);
      return;
    }

    say('Saved.');
  });

  const channels = h('section', { className: 'card', id: 'channels' }, h('h2', { text: 'Addresses' }),
    channelRow('sms', 'Mobile number', me.phone, me.smsState, 'phone'),
    channelRow('email', 'Email address', me.email, me.emailState, 'email'));

  const danger = h('section', { className: 'card danger-zone' }, h('h2', { text: 'Delete my account' }),
    h('p', { text: 'Removes your profile, rules, alert history, addresses and tokens. It cannot be undone.' }));
  const start = h('button', { type: 'button', className: 'danger', text: 'Delete my account…' });
  const dangerProblem = h('div', { className: 'problem' });
  start.addEventListener('click', () => {
    const yes = h('button', { type: 'button', className: 'danger', text: 'Yes, delete everything' });
    const no = h('button', { type: 'button', className: 'secondary', text: 'Cancel', onclick: () => route() });
    yes.addEventListener('click', async () => {
      const deleted = await api('DELETE', 'me');
      if (!deleted.ok) {
        dangerProblem.replaceChildren(problemText(deleted.problem));
        return;
      }

      session.token = null;
      session.pending = null;
      say('Your account is deleted.');
      location.hash = '#/signup';
    });
    start.replaceWith(h('div', { className: 'actions', role: 'group', 'aria-label': 'Confirm deletion' }, h('strong', { text: 'Are you sure?' }), yes, no));
    // Focus on the safe choice: a second Enter cancels.
    no.focus();
  });
  danger.append(start, dangerProblem);

  page('Profile', h('p', { className: 'meta', text: `Subscriber ${me.id}, since ${formatTime(me.createdAt)}; ${me.rules} rule${me.rules === 1 ? '' : 's'}.` }),
    preferences, channels, danger);
}

function channelRow(channel, label, address, state, field_) {
  const row = h('div', { className: 'channel', dataset: { channel } },
    h('p', {}, h('strong', { text: `${label}: ` }), address ? `${address} (${state})` : 'none'));
  if (address) {
    if (channel === 'sms') {
      row.append(h('p', { className: 'hint', text: 'To pause SMS alerts without removing the number, reply STOP to any DeRisk SMS (STOPALL, UNSUBSCRIBE, CANCEL, END and QUIT work too); reply START (or YES, UNSTOP) to resume them.' }));
    }

    const problem = h('div', { className: 'problem' });
    const remove = h('button', { type: 'button', className: 'secondary', text: channel === 'sms' ? 'Stop SMS: remove this number' : 'Remove this address' });
    remove.addEventListener('click', () => {
      problem.replaceChildren();
      const yes = h('button', { type: 'button', className: 'danger', text: channel === 'sms' ? 'Yes, remove this number' : 'Yes, remove this address' });
      const no = h('button', { type: 'button', className: 'secondary', text: 'Keep it' });
      const confirm = h('div', { className: 'actions', role: 'group', 'aria-label': `Confirm removing the ${label.toLowerCase()}` },
        h('strong', { text: `Remove ${address}? No more alerts go to it.` }), yes, no);
      const back = () => {
        confirm.replaceWith(remove);
        remove.focus();
      };
      no.addEventListener('click', back);
      yes.addEventListener('click', async () => {
        const answer = await api('DELETE', `me/channels/${channel}`);
        if (!answer.ok) {
          // E.g. 409: the only confirmed address; the API says what to do instead.
          back();
          problem.replaceChildren(problemText(answer.problem));
          return;
        }

        say(`${label} removed.`);
        route();
      });
      remove.replaceWith(confirm);
      // Focus on the safe choice: a second Enter keeps the address.
      no.focus();
    });
    row.append(remove, problem);
  }

  const input = h('input', { type: channel === 'sms' ? 'tel' : 'email', name: `new-${channel}`, autocomplete: channel === 'sms' ? 'tel' : 'email' });
  const code = h('input', { type: 'text', name: `code-${channel}`, inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: 6 });
  const codeField = field('Code we sent to it', code, { path: 'code' });
  codeField.hidden = true;
  const submit = h('button', { type: 'submit', text: address ? `Change ${label.toLowerCase()}` : `Add ${label.toLowerCase()}` });
  const form = h('form', { novalidate: true, className: 'add-channel' }, formError(),
    field(address ? `New ${label.toLowerCase()}` : label, input, { path: field_ }), codeField, submit);
  let sent = false;
  form.addEventListener('submit', async event => {
    event.preventDefault();
    clearErrors(form);
    const body = { [field_]: input.value.trim() };
    if (!sent) {
      const answer = await api('POST', 'me/channels', body);
      if (!answer.ok) {
        showProblem(form, answer.problem);
        return;
      }

      sent = true;
      input.readOnly = true;
      codeField.hidden = false;
      submit.textContent = 'Confirm the code';
      code.focus();
      say('Code sent.');
      return;
    }

    const answer = await api('POST', 'me/channels/confirm', { ...body, code: code.value.trim() });
    if (!answer.ok) {
      showProblem(form, answer.problem);
      return;
    }

    say(`${label} confirmed.`);
    route();
  });
  row.append(form);
  return row;
}

// --- Router ---------------------------------------------------------------------------------------------------

function problemText(problem) {
  return h('p', { className: 'error', role: 'alert', text: problem?.detail ?? problem?.title ?? 'Something went wrong.' });
}

const RULE_ID = /^[A-Za-z0-9_-]{1,64}$/;

async function route() {
  try {
    await show(location.hash || '#/');
  } catch {
    // Never a stuck page or an unhandled rejection: say so, and the navigation still works.
    page('Something went wrong', problemText({ title: 'The console could not show this page. Go back to your rules and try again.' }),
      h('p', {}, h('a', { className: 'button secondary', href: '#/rules', text: 'Your rules' })));
  }
}

async function show(hash) {
  renderNav();
  if (!session.signedIn && !['#/signup', '#/confirm'].includes(hash)) {
    location.replace('#/signup');
    return;
  }

  const edit = /^#\/rules\/edit\/(.*)$/.exec(hash);
  if (hash === '#/signup') signUpPage();
  else if (hash === '#/confirm') confirmPage();
  else if (hash === '#/rules/new') await ruleFormPage(null);
  else if (edit) {
    // Rule ids are letters, digits, "_" and "-": anything else (a stray "%" included) is not one.
    if (RULE_ID.test(edit[1])) await ruleFormPage(edit[1]);
    else page('Edit rule', problemText({ title: 'That address does not name a rule.' }), h('p', {}, h('a', { className: 'button secondary', href: '#/rules', text: 'Your rules' })));
  }
  else if (hash === '#/alerts') await alertsPage();
  else if (hash === '#/profile') await profilePage();
  else if (hash === '#/rules') await rulesPage();
  else location.replace(session.signedIn ? '#/rules' : '#/signup');
}

window.addEventListener('hashchange', route);
window.addEventListener('derisk:signedout', event => {
  say(event.detail);
  location.hash = '#/signup';
});
route();
