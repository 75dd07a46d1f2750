import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CancelTimerCommand, REMINDER_REQUEST, StartTimerCommand } from '@appointments/contracts';
import { Timers } from './timers';

/** `REMINDER_REQUEST.startTimer` / `cancelTimer`: validated like every RPC input (the global ValidationPipe). */
@Controller()
export class TimersController {
  constructor(private readonly timers: Timers) {}

  @MessagePattern(REMINDER_REQUEST.startTimer)
  start(@Payload() command: StartTimerCommand) {
    return this.timers.start(command);
  }

  @MessagePattern(REMINDER_REQUEST.cancelTimer)
  cancel(@Payload() command: CancelTimerCommand) {
    return this.timers.cancel(command);
  }
}
