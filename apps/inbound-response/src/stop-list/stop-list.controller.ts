import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { INBOUND_REQUEST, StopListCommand, StopListEntryView, StopListQueryDto } from '@appointments/contracts';
import { StopList } from './stop-list';

/** The stop list over AMQP request/response (the gateway's `/api/stop-list`). */
@Controller()
export class StopListController {
  constructor(private readonly stopList: StopList) {}

  @MessagePattern(INBOUND_REQUEST.listStopList)
  list(@Payload() query: StopListQueryDto): Promise<StopListEntryView[]> {
    return this.stopList.list(query);
  }

  @MessagePattern(INBOUND_REQUEST.addToStopList)
  add(@Payload() command: StopListCommand): Promise<StopListEntryView> {
    return this.stopList.add(command);
  }

  @MessagePattern(INBOUND_REQUEST.removeFromStopList)
  remove(@Payload() command: StopListCommand): Promise<StopListEntryView> {
    return this.stopList.remove(command);
  }
}
