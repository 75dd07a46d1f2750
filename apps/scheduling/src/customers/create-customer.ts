import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CreateCustomerCommand, CustomerView } from '@appointments/contracts';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CustomersRepository } from '../persistence/customers.repository';
import { customerView } from '../persistence/views';

/** Stores a new customer as staff typed them in (the DTO has checked the shapes); details left out are none. */
@Injectable()
export class CreateCustomer {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly customers: CustomersRepository,
  ) {}

  async execute(command: CreateCustomerCommand): Promise<CustomerView> {
    const { name, email, phone, preferredConfirmationMethod } = command.customer;
    const row = await this.customers.add(this.dataSource.manager, {
      id: randomUUID(),
      name,
      email: email ?? null,
      phone: phone ?? null,
      preferredConfirmationMethod: preferredConfirmationMethod ?? null,
    });
    return customerView(row);
  }
}
