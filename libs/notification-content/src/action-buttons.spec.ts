import { actionButtons, ActionButtonToggles, hasResponseActions, TemplateRenderError } from './index';

const none: ActionButtonToggles = { accept: false, decline: false, reschedule: false, viewDetails: false, addToCalendar: false };
const all: ActionButtonToggles = { accept: true, decline: true, reschedule: true, viewDetails: true, addToCalendar: true };
const landingUrl = 'https://app.example.com/m/tok123';

describe('actionButtons', () => {
  it('gives every switched-on button in order, with its link and default label', () => {
    expect(actionButtons(all, { landingUrl })).toEqual([
      { kind: 'accept', label: 'Accept', url: 'https://app.example.com/m/tok123?action=accept' },
      { kind: 'decline', label: 'Decline', url: 'https://app.example.com/m/tok123?action=decline' },
      { kind: 'reschedule', label: 'Request reschedule', url: 'https://app.example.com/m/tok123?action=reschedule' },
      { kind: 'viewDetails', label: 'View details', url: 'https://app.example.com/m/tok123' },
      { kind: 'addToCalendar', label: 'Add to calendar', url: 'https://app.example.com/m/tok123/calendar.ics' },
    ]);
  });

  test.each([
    { case: 'none', toggles: none, kinds: [] },
    { case: 'only decline', toggles: { ...none, decline: true }, kinds: ['decline'] },
    {
      case: 'calendar and accept (order is fixed)',
      toggles: { ...none, addToCalendar: true, accept: true },
      kinds: ['accept', 'addToCalendar'],
    },
    { case: 'details without answers', toggles: { ...none, viewDetails: true }, kinds: ['viewDetails'] },
  ])('switched on: $case', ({ toggles, kinds }) => {
    expect(actionButtons(toggles, { landingUrl }).map((button) => button.kind)).toEqual(kinds);
  });

  it('uses given labels and falls back to the defaults for missing or blank ones', () => {
    const labels = { accept: 'Confirm', decline: '  ', reschedule: null, viewDetails: 'Details' };
    expect(actionButtons(all, { landingUrl, labels }).map((button) => button.label)).toEqual([
      'Confirm',
      'Decline',
      'Request reschedule',
      'Details',
      'Add to calendar',
    ]);
  });

  test.each([
    {
      case: 'a trailing slash',
      landingUrl: 'https://app.example.com/m/tok123/',
      accept: 'https://app.example.com/m/tok123/?action=accept',
      calendar: 'https://app.example.com/m/tok123/calendar.ics',
    },
    {
      case: 'an existing query',
      landingUrl: 'https://app.example.com/m/tok123?lang=de',
      accept: 'https://app.example.com/m/tok123?lang=de&action=accept',
      calendar: 'https://app.example.com/m/tok123/calendar.ics?lang=de',
    },
    {
      case: 'an action already in the query',
      landingUrl: 'https://app.example.com/m/tok123?action=x',
      accept: 'https://app.example.com/m/tok123?action=accept',
      calendar: 'https://app.example.com/m/tok123/calendar.ics?action=x',
    },
  ])('builds links from a landing URL with $case', ({ landingUrl: landing, accept, calendar }) => {
    const buttons = actionButtons({ ...none, accept: true, addToCalendar: true }, { landingUrl: landing });
    expect(buttons.map((button) => button.url)).toEqual([accept, calendar]);
  });

  test.each(['javascript:alert(1)', '/m/tok123', 'mailto:a@example.com', ''])('refuses the landing URL %j', (landing) => {
    expect(() => actionButtons(all, { landingUrl: landing })).toThrow(TemplateRenderError);
    expect(() => actionButtons(all, { landingUrl: landing })).toThrow(/^landingUrl: .* is not an http or https URL$/);
  });
});

describe('hasResponseActions', () => {
  test.each([
    { toggles: none, expected: false },
    { toggles: { ...none, viewDetails: true, addToCalendar: true }, expected: false },
    { toggles: { ...none, accept: true }, expected: true },
    { toggles: { ...none, decline: true }, expected: true },
    { toggles: { ...none, reschedule: true }, expected: true },
    { toggles: all, expected: true },
  ])('$toggles → $expected', ({ toggles, expected }) => {
    expect(hasResponseActions(toggles)).toBe(expected);
  });
});
