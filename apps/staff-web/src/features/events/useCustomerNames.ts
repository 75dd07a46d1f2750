import { useMemo } from 'react';
import { useCustomers } from '../../api/resources';

/** Customer names by id (the newest 500 customers) for lists of events that carry only the id. */
export function useCustomerNames(): Map<string, string> {
  const customers = useCustomers('');
  return useMemo(() => new Map((customers.data ?? []).map((customer) => [customer.id, customer.name])), [customers.data]);
}
