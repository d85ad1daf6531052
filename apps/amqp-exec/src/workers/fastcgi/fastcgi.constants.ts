/** FastCGI 1.0 protocol numbers (the FastCGI Specification, section 8). */
export const FCGI_VERSION_1 = 1;
export const FCGI_HEADER_LEN = 8;
/** A record's content length is a 16-bit field. */
export const FCGI_MAX_CONTENT_LEN = 0xffff;

export const FcgiRecordType = {
  BEGIN_REQUEST: 1,
  ABORT_REQUEST: 2,
  END_REQUEST: 3,
  PARAMS: 4,
  STDIN: 5,
  STDOUT: 6,
  STDERR: 7,
  DATA: 8,
  GET_VALUES: 9,
  GET_VALUES_RESULT: 10,
  UNKNOWN_TYPE: 11,
} as const;

export const FCGI_RESPONDER = 1;

/** `protocolStatus` of FCGI_END_REQUEST. */
export const FcgiProtocolStatus = {
  REQUEST_COMPLETE: 0,
  CANT_MPX_CONN: 1,
  OVERLOADED: 2,
  UNKNOWN_ROLE: 3,
} as const;
