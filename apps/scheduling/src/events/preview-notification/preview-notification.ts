import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  DISPATCH_REQUEST,
  NotificationPreview,
  PreviewNotificationCommand,
  RenderedNotificationPreview,
  SERVICE,
} from '@appointments/contracts';
import { RpcClient } from '@appointments/messaging';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { EventLoader } from '../event-loader';
import { applyPlan, NotificationPlanner, notificationRequest } from '../notification-plan';
import { CancellationConfirmation } from '../send-notification/cancellation-confirmation';

/**
 * A dry run of a send: the same plan (and the same refusals), applied to an in-memory copy
 * of the event, rendered by notification-dispatch exactly as it would go out. Nothing is
 * written anywhere. A cancellation's preview also issues the confirmationToken its send needs.
 */
@Injectable()
export class PreviewNotification {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly loader: EventLoader,
    private readonly planner: NotificationPlanner,
    private readonly cancellation: CancellationConfirmation,
    private readonly rpc: RpcClient,
  ) {}

  async execute(command: PreviewNotificationCommand): Promise<NotificationPreview> {
    const { type, configKey } = command.notification;
    const { loaded, plan, confirmation } = await this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const loaded = await this.loader.load(manager, command.eventId);
      const plan = this.planner.plan(await this.planner.facts(manager, [loaded]), loaded, type, configKey);
      // Issued against the event as it is now; the in-memory changes below are not saved.
      const confirmation = type === 'cancellation' ? this.cancellation.issue(loaded.event) : null;
      applyPlan(loaded, plan);
      return { loaded, plan, confirmation };
    });
    const request = notificationRequest({
      requestId: randomUUID(),
      plan,
      loaded,
      requestedBy: { id: command.actor.id, name: command.actor.name, email: command.actor.email ?? null },
      notifications: plan.selection.channels.map((channel) => ({ notificationId: randomUUID(), ...channel })),
    });
    const rendered = await this.rpc.request<RenderedNotificationPreview>(
      SERVICE.notificationDispatch,
      DISPATCH_REQUEST.renderPreview,
      request,
    );
    const { event, customer } = loaded;
    return {
      type,
      configKey: plan.config.key,
      recipient: { name: customer.name, email: customer.email, phone: customer.phone },
      channels: plan.selection.channels,
      skipped: plan.selection.skipped,
      sender: plan.sender,
      effect: {
        bookingStatus: event.bookingStatus,
        attendeeStatus: event.attendeeStatus,
        notificationState: event.notificationState,
        title: event.title,
      },
      ...rendered,
      ...(confirmation ? { confirmationToken: confirmation.token, confirmationTokenExpiresAt: confirmation.expiresAt } : {}),
    };
  }
}
