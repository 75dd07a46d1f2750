import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DOMAIN_EVENT, OptOutChangedPayload } from '@appointments/contracts';
import { DomainEventContext } from '@appointments/messaging';
import { RecordOptOutChange } from './record-opt-out-change';

/** Hands inbound-response's stop-list changes to `RecordOptOutChange`, in the consumer's transaction. */
@Controller()
export class OptOutChangedController {
  constructor(private readonly recordOptOutChange: RecordOptOutChange) {}

  @EventPattern(DOMAIN_EVENT.OptOutChanged)
  async onOptOutChanged(@Payload() change: OptOutChangedPayload, @Ctx() context: DomainEventContext) {
    await this.recordOptOutChange.execute(change, context.manager);
  }
}
