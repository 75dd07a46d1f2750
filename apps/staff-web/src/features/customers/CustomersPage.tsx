import { Anchor, Button, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useCustomers } from '../../api/resources';
import { PageHeader } from '../../components/PageHeader';
import { QueryState } from '../../components/QueryState';
import { ScrollTable } from '../../components/ScrollRegion';

export function CustomersPage() {
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 250);
  const customers = useCustomers(debounced);
  return (
    <>
      <PageHeader
        title="Customers"
        description="The newest 500, or those whose name, email or phone matches the search."
        actions={
          <Button component={Link} to="/customers/new">
            New customer
          </Button>
        }
      />
      <TextInput
        label="Search customers"
        placeholder="Name, email or phone digits"
        value={search}
        onChange={(e) => setSearch(e.currentTarget.value)}
        mb="md"
        maw={420}
      />
      <QueryState isPending={customers.isPending} error={customers.error}>
        {() =>
          customers.data && customers.data.length > 0 ? (
            <ScrollTable label="Customers" minWidth={560}>
              <Table striped highlightOnHover verticalSpacing="xs">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>Email</Table.Th>
                    <Table.Th>Phone</Table.Th>
                    <Table.Th>Prefers</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {customers.data.map((customer) => (
                    <Table.Tr key={customer.id}>
                      <Table.Td>
                        <Anchor component={Link} to={`/customers/${customer.id}`} fw={500}>
                          {customer.name}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>{customer.email ?? '—'}</Table.Td>
                      <Table.Td>{customer.phone ?? '—'}</Table.Td>
                      <Table.Td>{customer.preferredConfirmationMethod === 'sms' ? 'SMS' : 'Email'}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </ScrollTable>
          ) : (
            <Text c="dimmed">No customer found.</Text>
          )
        }
      </QueryState>
    </>
  );
}
