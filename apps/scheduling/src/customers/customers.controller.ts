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
import { containsPattern } from '@appointments/persistence';
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

  /** The newest 500 customers, or those whose name, email or phone matches `search` (see `CustomerQueryDto`). */
  @MessagePattern(SCHEDULING_REQUEST.listCustomers)
  async list(@Payload() query: CustomerQueryDto): Promise<CustomerView[]> {
    const builder = this.customers.createQueryBuilder('customer');
    const { search } = query;
    if (search) {
      const like = containsPattern(search);
      const digits = search.replace(/\D/g, '');
      builder.where(
        digits.length >= 3
          ? '(customer.name ILIKE :like OR customer.email ILIKE :like OR customer.phone LIKE :digits)'
          : '(customer.name ILIKE :like OR customer.email ILIKE :like)',
        { like, digits: `%${digits}%` },
      );
    }
    const rows = await builder.orderBy('customer.createdAt', 'DESC').addOrderBy('customer.id').take(500).getMany();
    return rows.map(customerView);
  }
}
