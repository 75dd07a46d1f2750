/**
 * A customer's details as staff edit them (`PATCH /api/customers/:id`): which fields an edit
 * changes, and how the change reads in the chatter of the customer's events. Plain decisions
 * over values; scheduling applies them (see docs/decisions.md, "Customers can be edited").
 */
import type { ConfirmationMethod } from './vocabulary';

export interface CustomerDetails {
  name: string;
  email: string | null;
  phone: string | null;
  preferredConfirmationMethod: ConfirmationMethod | null;
}

export type CustomerField = keyof CustomerDetails;

/** The fields in the order an edit is described. */
export const CUSTOMER_FIELDS: readonly CustomerField[] = ['name', 'email', 'phone', 'preferredConfirmationMethod'];

/** An edit: a field left out (undefined) stays; null clears it (not the name, which every customer has). */
export type CustomerEdit = { name?: string } & { [F in Exclude<CustomerField, 'name'>]?: CustomerDetails[F] | null };

export interface CustomerChange {
  field: CustomerField;
  oldValue: string | null;
  newValue: string | null;
}

/** The details after `edit`, and the fields it really changes (a value set to what it was is no change). */
export function applyCustomerEdit(current: CustomerDetails, edit: CustomerEdit): { details: CustomerDetails; changes: CustomerChange[] } {
  const details: CustomerDetails = { ...current };
  if (edit.name !== undefined) details.name = edit.name;
  if (edit.email !== undefined) details.email = edit.email;
  if (edit.phone !== undefined) details.phone = edit.phone;
  if (edit.preferredConfirmationMethod !== undefined) details.preferredConfirmationMethod = edit.preferredConfirmationMethod;
  const changes = CUSTOMER_FIELDS.filter((field) => details[field] !== current[field]).map((field): CustomerChange => ({
    field,
    oldValue: current[field],
    newValue: details[field],
  }));
  return { details, changes };
}

const FIELD_LABEL: Record<CustomerField, string> = {
  name: 'name',
  email: 'email',
  phone: 'mobile phone',
  preferredConfirmationMethod: 'preferred confirmation method',
};

/** `email from "a@x.com" to "b@x.com", mobile phone from (none) to "+14155550100"`. */
export function describeCustomerChanges(changes: readonly CustomerChange[]): string {
  const show = (value: string | null) => (value === null ? '(none)' : `"${value}"`);
  return changes.map(({ field, oldValue, newValue }) => `${FIELD_LABEL[field]} from ${show(oldValue)} to ${show(newValue)}`).join(', ');
}
