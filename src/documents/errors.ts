// The documents capability's errors, with AWS's message text where it is known (recorded responses,
// the API reference's error descriptions); the rest are sentences in AWS's style.
import { SsmError } from '../protocol/errors.js';

export const documentErrors = {
  notFound: () => new SsmError('InvalidDocument', 'The specified document does not exist.'),
  invalidDocument: (message: string) => new SsmError('InvalidDocument', message),
  versionNotFound: () =>
    new SsmError('InvalidDocumentVersion', 'The document version is not valid or does not exist.'),
  alreadyExists: () => new SsmError('DocumentAlreadyExists', 'The specified document already exists.'),
  content: (message: string) => new SsmError('InvalidDocumentContent', message),
  schemaVersion: (message: string) => new SsmError('InvalidDocumentSchemaVersion', message),
  tooLarge: () => new SsmError('MaxDocumentSizeExceeded', 'The size limit of a document is 64 KB.'),
  tooManyVersions: () =>
    new SsmError(
      'DocumentVersionLimitExceeded',
      'The document has too many versions. Delete one or more document versions and try again.',
    ),
  duplicateContent: () =>
    new SsmError(
      'DuplicateDocumentContent',
      'The content of the association document matches another document. Change the content of the document and try again.',
    ),
  duplicateVersionName: () =>
    new SsmError('DuplicateDocumentVersionName', 'The specified version name is a duplicate.'),
  operation: (message: string) => new SsmError('InvalidDocumentOperation', message),
  stillShared: () =>
    new SsmError(
      'InvalidDocumentOperation',
      'You attempted to delete a document while it is still shared. You must stop sharing the document before you can delete it.',
    ),
  amazonOwned: () =>
    new SsmError(
      'InvalidDocumentOperation',
      'This operation is not supported for documents owned by Amazon. To change one, create a copy of it in your account.',
    ),
  permissionLimit: (message: string) => new SsmError('DocumentPermissionLimit', message),
  invalidParameters: (message: string) => new SsmError('InvalidParameters', message),
  validation: (message: string) => new SsmError('ValidationException', message),
};
