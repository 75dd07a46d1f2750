/**
 * Which sends the event page offers: exactly those the state machine (`libs/domain`, the same
 * `decideTransition` the scheduling service applies) allows for the event's current status.
 * The server still decides: a refusal there (409) is shown in the preview dialog.
 */
import { decideTransition, type EventStatus, type StatusTrigger } from '@appointments/domain';
import type { CustomerNotificationType } from '@appointments/domain';
import type { NotificationConfig, TemplateView } from '../../api/types';

export interface SendAction {
  /** The button's text (fixed by the public contract for the four main sends). */
  label: string;
  type: CustomerNotificationType;
  configKey?: string;
}

const MAIN_SENDS: { type: Exclude<CustomerNotificationType, 'reminder'>; label: string; trigger: StatusTrigger }[] = [
  { type: 'confirmation', label: 'Send confirmation', trigger: { kind: 'confirmation_sent' } },
  { type: 'rsvp_request', label: 'Request RSVP', trigger: { kind: 'rsvp_request_sent' } },
  { type: 'update', label: 'Send update', trigger: { kind: 'update_sent' } },
  { type: 'cancellation', label: 'Send cancellation', trigger: { kind: 'cancellation_sent' } },
];

const hasAnswerButtons = (config: NotificationConfig) => Boolean(config.buttons?.accept || config.buttons?.decline);

export function allowedSends(status: EventStatus, template: TemplateView | undefined): SendAction[] {
  const actions: SendAction[] = MAIN_SENDS.filter((send) => decideTransition(status, send.trigger).allowed).map((send) => ({
    label: send.label,
    type: send.type,
  }));
  for (const config of template?.notificationConfigs ?? []) {
    if (config.type !== 'reminder') continue;
    if (!decideTransition(status, { kind: 'reminder_sent', withButtons: hasAnswerButtons(config) }).allowed) continue;
    actions.push({ label: `Send reminder ${config.key}`, type: 'reminder', configKey: config.key });
  }
  return actions;
}
