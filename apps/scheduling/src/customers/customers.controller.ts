import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ByIdQuery,
  CreateCustomerCommand,
  CustomerQueryDto,
  CustomerView,
  SCHEDULING_REQUEST,
  UpdateCustomerCommand,
} from '@appointments/contracts';
import { NotFound } from '@appointments/domain';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CustomersRepository } from '../persistence/customers.repository';
import { customerView } from '../persistence/views';
import { CreateCustomer } from './create-customer';
import { UpdateCustomer } from './update-customer';

/** Translates customer requests into use-case calls (and reads). */
@Controller()
export class CustomersController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly customers: CustomersRepository,
    private readonly createCustomer: CreateCustomer,
    private readonly updateCustomer: UpdateCustomer,
  ) {}

  @MessagePattern(SCHEDULING_REQUEST.createCustomer)
  create(@Payload() command: CreateCustomerCommand): Promise<CustomerView> {
    return this.createCustomer.execute(command);
  }

  @MessagePattern(SCHEDULING_REQUEST.getCustomer)
  async get(@Payload() query: ByIdQuery): Promise<CustomerView> {
    const row = await this.customers.findById(this.dataSource.manager, query.id);
    if (!row) throw new NotFound('customer', query.id);
    return customerView(row);
  }

  @MessagePattern(SCHEDULING_REQUEST.updateCustomer)
  update(@Payload() command: UpdateCustomerCommand): Promise<CustomerView> {
    return this.updateCustomer.execute(command);
  }

  /** The newest 500 customers, or those whose name, email or phone matches `search` (see `CustomerQueryDto`). */
  @MessagePattern(SCHEDULING_REQUEST.listCustomers)
  async list(@Payload() query: CustomerQueryDto): Promise<CustomerView[]> {
    const rows = await this.customers.search(this.dataSource.manager, query.search);
    return rows.map(customerView);
  }
}
