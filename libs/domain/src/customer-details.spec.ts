import { applyCustomerEdit, CustomerDetails, CustomerEdit, describeCustomerChanges } from './customer-details';

const ann: CustomerDetails = { name: 'Ann Lee', email: 'ann@example.com', phone: '+14155550100', preferredConfirmationMethod: null };

describe('customer details', () => {
  // edit | the details after it | the fields it changes
  it.each<[string, CustomerEdit, Partial<CustomerDetails>, string[]]>([
    ['nothing', {}, {}, []],
    ['the same name', { name: 'Ann Lee' }, {}, []],
    ['the same email and phone', { email: 'ann@example.com', phone: '+14155550100' }, {}, []],
    ['a new name', { name: 'Ann Smith' }, { name: 'Ann Smith' }, ['name']],
    ['a new email', { email: 'ann.smith@example.com' }, { email: 'ann.smith@example.com' }, ['email']],
    ['the email cleared', { email: null }, { email: null }, ['email']],
    ['the phone cleared', { phone: null }, { phone: null }, ['phone']],
    ['a preference set', { preferredConfirmationMethod: 'sms' }, { preferredConfirmationMethod: 'sms' }, ['preferredConfirmationMethod']],
    ['a preference already unset, cleared', { preferredConfirmationMethod: null }, {}, []],
    [
      'every field',
      { name: 'A. Smith', email: 'a@example.org', phone: '+442071838750', preferredConfirmationMethod: 'email' },
      { name: 'A. Smith', email: 'a@example.org', phone: '+442071838750', preferredConfirmationMethod: 'email' },
      ['name', 'email', 'phone', 'preferredConfirmationMethod'],
    ],
    [
      'fields given out of order are listed in field order',
      { phone: null, name: 'Ann Smith' },
      { phone: null, name: 'Ann Smith' },
      ['name', 'phone'],
    ],
  ])('%s', (_, edit, changed, fields) => {
    const { details, changes } = applyCustomerEdit(ann, edit);
    expect(details).toEqual({ ...ann, ...changed });
    expect(changes.map((change) => change.field)).toEqual(fields);
    for (const change of changes)
      expect(change).toEqual({ field: change.field, oldValue: ann[change.field], newValue: details[change.field] });
  });

  it('leaves the details it was given as they were', () => {
    const before = { ...ann };
    applyCustomerEdit(ann, { name: 'Someone else', email: null });
    expect(ann).toEqual(before);
  });

  // changes | how the chatter reads them
  it.each<[Parameters<typeof describeCustomerChanges>[0], string]>([
    [[{ field: 'email', oldValue: 'a@example.com', newValue: 'b@example.com' }], 'email from "a@example.com" to "b@example.com"'],
    [[{ field: 'phone', oldValue: null, newValue: '+14155550100' }], 'mobile phone from (none) to "+14155550100"'],
    [[{ field: 'preferredConfirmationMethod', oldValue: 'email', newValue: null }], 'preferred confirmation method from "email" to (none)'],
    [
      [
        { field: 'name', oldValue: 'Ann Lee', newValue: 'Ann Smith' },
        { field: 'phone', oldValue: '+14155550100', newValue: null },
      ],
      'name from "Ann Lee" to "Ann Smith", mobile phone from "+14155550100" to (none)',
    ],
  ])('describes %j as %p', (changes, text) => {
    expect(describeCustomerChanges(changes)).toBe(text);
  });
});
