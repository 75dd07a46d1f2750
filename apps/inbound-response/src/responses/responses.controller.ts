import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { INBOUND_REQUEST, RecordedResponse, RecordResponseCommand } from '@appointments/contracts';
import { RecordCustomerResponse } from './record-customer-response';

/** Landing-page responses over AMQP request/response (the gateway's `POST /m/:token/<action>`). */
@Controller()
export class ResponsesController {
  constructor(private readonly responses: RecordCustomerResponse) {}

  @MessagePattern(INBOUND_REQUEST.recordResponse)
  record(@Payload() command: RecordResponseCommand): Promise<RecordedResponse> {
    return this.responses.execute(command);
  }
}
