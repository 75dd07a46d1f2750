/** Service names: they name the AMQP queues (`<service>.events`, `<service>.rpc`) and the logs. */
export const SERVICE = {
  gateway: 'gateway',
  scheduling: 'scheduling',
  notificationDispatch: 'notification-dispatch',
  inboundResponse: 'inbound-response',
  reminderScheduler: 'reminder-scheduler',
} as const;
export type ServiceName = (typeof SERVICE)[keyof typeof SERVICE];

/** Requests the gateway sends (AMQP request/response), by owning service. */
export const SCHEDULING_REQUEST = {
  createCustomer: 'customers.create',
  getCustomer: 'customers.get',
  updateCustomer: 'customers.update',
  listCustomers: 'customers.list',
  createTemplate: 'templates.create',
  getTemplate: 'templates.get',
  listTemplates: 'templates.list',
  createEvent: 'events.create',
  getEvent: 'events.get',
  listEvents: 'events.list',
  updateEvent: 'events.update',
  getChatter: 'events.chatter',
  sendNotification: 'events.notifications.send',
  sendNotifications: 'events.notifications.send-batch',
  previewNotification: 'events.notifications.preview',
  updateTemplate: 'templates.update',
  deleteTemplate: 'templates.delete',
  getSenderSettings: 'settings.sender.get',
  updateSenderSettings: 'settings.sender.update',
  /**
   * `ReminderReleaseCheck` → `ReminderReleaseVerdict[]` (notification-dispatch, at the due time of
   * staged reminders): whether each may still go, the state machine's own check on the event as
   * it is now; a reminder whose content may have changed is prepared again (`restaged`).
   */
  checkReminderReleases: 'reminders.release-check',
} as const;

export const DISPATCH_REQUEST = {
  listNotifications: 'notifications.list',
  listDevOutbox: 'dev-outbox.list',
  renderPreview: 'notifications.render-preview',
  /** `{token}` → `LandingTokenView`; `not_found` (404) for an unknown token, `expired` (410) past its expiry. */
  resolveLandingToken: 'landing-tokens.resolve',
  /** `{phone}` → `LandingTokenView | null`: the latest notification with reply codes sent to that number, still open. */
  latestOpenReplyTarget: 'landing-tokens.latest-for-phone',
  /**
   * `{phones: string[]}` (at most `MAX_REPLY_TARGET_PHONES`) → `(LandingTokenView | null)[]`, in the order of
   * `phones`: `latestOpenReplyTarget` for many numbers in one request (inbound-response's grouped SMS replies).
   */
  latestOpenReplyTargets: 'landing-tokens.latest-for-phones',
  /** `{}` → `{active: true}`, or `not_found` (404) unless the phone simulator can run: the local SMS sink, outside production. */
  phoneSimulatorStatus: 'dev-phone.status',
  /** `{}` → `PhoneThreadView[]` without `customer`: the simulator's numbers, latest first. */
  listPhoneThreads: 'dev-phone.threads',
  /** `{phone}` → `PhoneMessageView[]`, oldest first. */
  getPhoneThread: 'dev-phone.thread',
  /** `RecordPhoneReplyCommand` → `{recorded: true}`: keeps the reply (and the TwiML answer) in the sink. */
  recordPhoneReply: 'dev-phone.record-reply',
  /** `ListConversationsQuery` → `ConversationPage`: unread (for that staff member) first, then the latest. */
  listConversations: 'conversations.list',
  /** `ConversationMessagesQuery` → `ConversationMessagePage`: oldest first; the last 30 days unless `before` asks for older. */
  conversationMessages: 'conversations.messages',
  /** `SendStaffMessageCommand` → `{id}`: a staff SMS through the normal SMS path; 422 when the number is stopped. */
  sendStaffMessage: 'conversations.send',
  /** `MarkConversationReadCommand` → `{read: true}`. */
  markConversationRead: 'conversations.read',
  /** `{limit}` → `RecentSmsView[]`: the latest inbound SMS, newest first. */
  recentInboundSms: 'conversations.recent-inbound',
} as const;

/** The most phone numbers one `DISPATCH_REQUEST.latestOpenReplyTargets` request may ask about. */
export const MAX_REPLY_TARGET_PHONES = 1000;

export const INBOUND_REQUEST = {
  listStopList: 'stop-list.list',
  addToStopList: 'stop-list.add',
  removeFromStopList: 'stop-list.remove',
  /** `RecordResponseCommand` → `RecordedResponse`: a landing-page or email-link answer. */
  recordResponse: 'responses.record',
} as const;

export const REMINDER_REQUEST = {
  /** `ByIdQuery` (the event id) → `ReminderView[]`, by due time. */
  listReminders: 'reminders.list',
  /** `StartTimerCommand` → `{key, fireAt}`. */
  startTimer: 'timers.start',
  /** `CancelTimerCommand` → `{key, cancelled: boolean}`. */
  cancelTimer: 'timers.cancel',
} as const;
