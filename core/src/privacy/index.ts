export type { CustomerDataExport, CustomerRef, PersonalData } from './personal-data.ts';
export {
  ERASED_WEBHOOK_BODY,
  PERSONAL_FIELDS,
  exportNamesCustomer,
  exportedClickCapture,
  payloadNamesCustomer,
  personalFieldsSent,
  withoutCustomer,
  withoutCustomerFields,
  withoutCustomerLines,
  withoutDevice,
} from './personal-fields.ts';
