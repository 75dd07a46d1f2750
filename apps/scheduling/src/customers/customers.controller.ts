import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ByIdQuery, CreateCustomerCommand, CustomerView, SCHEDULING_REQUEST, UpdateCustomerCommand } from '@appointments/contracts';
import { NotFound } from '@appointments/domain';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { CustomerEntity } from '../persistence/customer.entity';
import { customerView } from '../persistence/views';
import { UpdateCustomerHandler } from './update-customer.handler';

@Controller()
export class CustomersController {
  constructor(
    @InjectRepository(CustomerEntity) private readonly customers: Repository<CustomerEntity>,
    private readonly updateCustomer: UpdateCustomerHandler,
  ) {}

  @MessagePattern(SCHEDULING_REQUEST.createCustomer)
  async create(@Payload() command: CreateCustomerCommand): Promise<CustomerView> {
    const { name, email, phone, preferredConfirmationMethod } = command.customer;
    const row = await this.customers.save(
      this.customers.create({
        id: randomUUID(),
        name,
        email: email ?? null,
        phone: phone ?? null,
        preferredConfirmationMethod: preferredConfirmationMethod ?? null,
      }),
    );
    return customerView(row);
  }

  @MessagePattern(SCHEDULING_REQUEST.getCustomer)
  async get(@Payload() query: ByIdQuery): Promise<CustomerView> {
    const row = await this.customers.findOneBy({ id: query.id });
    if (!row) throw new NotFound('customer', query.id);
    return customerView(row);
  }

  @MessagePattern(SCHEDULING_REQUEST.updateCustomer)
  update(@Payload() command: UpdateCustomerCommand): Promise<CustomerView> {
    return this.updateCustomer.execute(command);
  }

  @MessagePattern(SCHEDULING_REQUEST.listCustomers)
  async list(): Promise<CustomerView[]> {
    const rows = await this.customers.find({ order: { createdAt: 'DESC' }, take: 500 });
    return rows.map(customerView);
  }
}
