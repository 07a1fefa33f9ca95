import {
  EVENT_CATALOG,
  EVENT_TYPES,
  MAX_CONTRACT_ERRORS,
  MAX_INLINE_FILE_BASE64_LENGTH,
  dataschemaFor,
  exampleEvent,
  validateEvent,
  type CloudEvent,
  type ContractError,
  type EventType,
} from './index';

/** Loosely typed access for building invalid events. */
type Loose = Record<string, any>;

function errorsOf(value: unknown): ContractError[] {
  const result = validateEvent(value);
  if (result.ok) throw new Error('expected the event to be rejected');
  return result.errors;
}

function appeal(mutate: (event: Loose) => void = () => undefined): Loose {
  const event = exampleEvent('appeal.submitted') as Loose;
  mutate(event);
  return event;
}

function application(mutate: (event: Loose) => void = () => undefined): Loose {
  const event = exampleEvent('application.submitted') as Loose;
  mutate(event);
  return event;
}

describe('validateEvent: valid events', () => {
  it.each(EVENT_TYPES.map((t) => [t]))('accepts the %s example', (type) => {
    const event = exampleEvent(type as EventType);
    const result = validateEvent(event);
    expect(result).toEqual({ ok: true, event });
  });

  it('returns the very same object and leaves it untouched', () => {
    const event = exampleEvent('application.submitted');
    const before = JSON.stringify(event);
    const result = validateEvent(event);
    expect(result.ok && result.event).toBe(event);
    expect(JSON.stringify(event)).toBe(before);
  });

  it('accepts an event parsed from JSON without optional attributes', () => {
    const event = exampleEvent('appeal.registered', {
      subject: undefined,
      datacontenttype: undefined,
      dataschema: undefined,
      correlationid: undefined,
      causationid: undefined,
    });
    expect(Object.keys(event)).not.toContain('dataschema');
    expect(validateEvent(JSON.parse(JSON.stringify(event))).ok).toBe(true);
  });

  it('narrows data by type', () => {
    const result = validateEvent(exampleEvent('appeal.submitted'));
    if (!result.ok || result.event.type !== 'appeal.submitted') throw new Error('expected a valid appeal');
    expect(result.event.data.applicant.contacts.locale).toBe('uk');
  });
});

describe('validateEvent: envelope violations', () => {
  it('reports a missing tenant at /tenant', () => {
    expect(errorsOf(appeal((e) => delete e.tenant))).toEqual([{ pointer: '/tenant', reason: 'required property "tenant" is missing' }]);
  });

  it('explains the tenant naming rule', () => {
    expect(errorsOf(appeal((e) => (e.tenant = 'Kyiv.City')))).toEqual([
      {
        pointer: '/tenant',
        reason: 'must be 1 to 63 lowercase latin letters, digits or hyphens, starting with a letter or digit',
      },
    ]);
  });

  it('reports an unknown type once, at /type, listing the allowed types', () => {
    const errors = errorsOf(appeal((e) => (e.type = 'appeal.created')));
    expect(errors).toHaveLength(1);
    expect(errors[0].pointer).toBe('/type');
    expect(errors[0].reason).toBe(`must be one of: ${EVENT_TYPES.join(', ')}`);
  });

  it('rejects another specversion', () => {
    expect(errorsOf(appeal((e) => (e.specversion = '0.3')))).toEqual([{ pointer: '/specversion', reason: 'must be "1.0"' }]);
  });

  it('requires a time with a zone offset', () => {
    expect(errorsOf(appeal((e) => (e.time = '2024-05-14T09:12:33')))).toEqual([{ pointer: '/time', reason: 'must be an RFC 3339 date-time with a time zone offset, e.g. 2024-05-14T09:12:33Z' }]);
  });

  it('refuses year 0000, which RFC 3339 allows but PostgreSQL cannot store', () => {
    expect(errorsOf(appeal((e) => (e.data.submittedAt = '0000-01-01T00:00:00Z')))).toEqual([{ pointer: '/data/submittedAt', reason: 'must be a date-time with a year from 1000 to 9999' }]);
  });

  it('rejects an empty id and a source that is not a URI reference', () => {
    expect(
      errorsOf(
        appeal((e) => {
          e.id = '';
          e.source = 'not a uri';
        }),
      ),
    ).toEqual([
      { pointer: '/id', reason: 'must not be empty' },
      { pointer: '/source', reason: 'must be a URI reference' },
    ]);
  });

  it('allows only application/json as datacontenttype', () => {
    expect(errorsOf(appeal((e) => (e.datacontenttype = 'text/xml')))).toEqual([{ pointer: '/datacontenttype', reason: 'must be "application/json"' }]);
  });

  it('requires data to be an object', () => {
    expect(errorsOf(appeal((e) => (e.data = 'text')))).toEqual([{ pointer: '/data', reason: 'must be an object' }]);
    expect(errorsOf(appeal((e) => (e.data = [])))).toEqual([{ pointer: '/data', reason: 'must be an object' }]);
  });

  it.each([[null], [[]], ['{}'], [42]])('rejects %p as a whole', (value) => {
    expect(errorsOf(value)).toEqual([{ pointer: '', reason: 'must be an object' }]);
  });

  it('requires subject to match data.caseRef on case events', () => {
    expect(errorsOf(appeal((e) => (e.subject = 'EP-2024-999999')))).toEqual([{ pointer: '/subject', reason: 'must equal /data/caseRef when both are present' }]);
  });
});

describe('validateEvent: extension attributes', () => {
  it.each([['traceparent'], ['portalversion'], ['x1'], ['a'.repeat(20)]])('accepts the extension %s', (name) => {
    expect(validateEvent(appeal((e) => (e[name] = 'value'))).ok).toBe(true);
  });

  it('accepts integer and boolean extension values', () => {
    expect(validateEvent(appeal((e) => Object.assign(e, { priority: 3, test: true }))).ok).toBe(true);
  });

  it.each([['my-ext'], ['MyExt'], ['my_ext'], ['a'.repeat(21)], ['data_base64']])('rejects the attribute name %s by the naming rule', (name) => {
    const errors = errorsOf(appeal((e) => (e[name] = 'value')));
    expect(errors).toEqual([
      {
        pointer: `/${name}`,
        reason: `unknown attribute ${JSON.stringify(name)} is not allowed: extension attribute names must be 1 to 20 lowercase latin letters or digits`,
      },
    ]);
  });

  it('rejects structured extension values', () => {
    expect(errorsOf(appeal((e) => (e.portal = { name: 'x' })))).toEqual([{ pointer: '/portal', reason: 'must be a string, an integer or a boolean' }]);
  });
});

describe('validateEvent: dataschema', () => {
  it('accepts the dataschema of the type', () => {
    expect(validateEvent(appeal((e) => (e.dataschema = dataschemaFor('appeal.submitted')))).ok).toBe(true);
  });

  it('rejects the dataschema of another type', () => {
    expect(errorsOf(appeal((e) => (e.dataschema = dataschemaFor('appeal.registered'))))).toEqual([
      {
        pointer: '/dataschema',
        reason: 'must be one of: urn:cabinet-hub:contracts:v1:appeal.submitted for type appeal.submitted',
      },
    ]);
  });

  it('rejects a version it does not know', () => {
    const errors = errorsOf(appeal((e) => (e.dataschema = dataschemaFor('appeal.submitted', 'v9'))));
    expect(errors.map((e) => e.pointer)).toEqual(['/dataschema']);
  });

  it('reports a malformed dataschema once', () => {
    expect(errorsOf(appeal((e) => (e.dataschema = 'appeal submitted')))).toEqual([{ pointer: '/dataschema', reason: 'must be an absolute URI' }]);
  });
});

describe('validateEvent: data violations', () => {
  it('reports a wrong type', () => {
    expect(errorsOf(appeal((e) => (e.data.collective = 'yes')))).toEqual([{ pointer: '/data/collective', reason: 'must be a boolean' }]);
  });

  it('reports a missing required property at its own pointer', () => {
    expect(errorsOf(appeal((e) => delete e.data.text))).toEqual([{ pointer: '/data/text', reason: 'required property "text" is missing' }]);
  });

  it('reports a typo as an unknown property', () => {
    expect(errorsOf(appeal((e) => (e.data.txet = 'Прошу')))).toEqual([{ pointer: '/data/txet', reason: 'unknown property "txet" is not allowed' }]);
  });

  it('is strict at every nesting level', () => {
    const errors = errorsOf(
      appeal((e) => {
        e.data.applicant.contacts.fax = '+380441234567';
        e.data.location.point.alt = 100;
        e.data.files[0].extra = true;
      }),
    );
    expect(errors.map((e) => e.pointer)).toEqual(['/data/location/point/alt', '/data/applicant/contacts/fax', '/data/files/0/extra']);
  });

  it('lists the allowed values of an enum', () => {
    expect(errorsOf(appeal((e) => (e.data.kind = 'petition')))).toEqual([{ pointer: '/data/kind', reason: 'must be one of: appeal, proposal, complaint, public-information-request' }]);
  });

  it('checks the status against the statuses of the case kind', () => {
    const event = exampleEvent('application.status-changed') as Loose;
    event.data.status = 'answer-sent';
    expect(errorsOf(event)).toEqual([
      {
        pointer: '/data/status',
        reason: 'must be one of: under-review, contract-sent, contract-concluded, tc-in-progress, connected, fulfilled, rejected',
      },
    ]);
  });

  it('requires the phone of a connection applicant but not of an appeal applicant', () => {
    expect(errorsOf(application((e) => delete e.data.applicant.contacts.phone))).toEqual([{ pointer: '/data/applicant/contacts/phone', reason: 'required property "phone" is missing' }]);
    expect(validateEvent(appeal((e) => delete e.data.applicant.contacts.phone)).ok).toBe(true);
  });

  it('explains the phone format', () => {
    expect(errorsOf(appeal((e) => (e.data.applicant.contacts.phone = '067 123 45 67')))).toEqual([
      {
        pointer: '/data/applicant/contacts/phone',
        reason: 'must be a phone number in E.164 form: "+", country code and number, 7 to 15 digits',
      },
    ]);
  });

  it('requires an address or a point in a location', () => {
    expect(errorsOf(appeal((e) => (e.data.location = { geoportalId: 'obj-1' })))).toEqual([{ pointer: '/data/location', reason: 'must have at least one of "address" or "point"' }]);
  });

  it('caps the text length', () => {
    expect(errorsOf(appeal((e) => (e.data.text = 'я'.repeat(20_001))))).toEqual([{ pointer: '/data/text', reason: 'must be at most 20000 characters long' }]);
  });

  it('refuses control characters in single-line fields', () => {
    expect(errorsOf(appeal((e) => (e.data.addressee.name = 'КП\nINFO forged log line')))).toEqual([
      { pointer: '/data/addressee/name', reason: 'must be a single line of text without control characters' },
    ]);
  });

  it('refuses NUL in free text, which PostgreSQL cannot store', () => {
    expect(errorsOf(appeal((e) => (e.data.text = 'Прошу\u0000')))).toEqual([{ pointer: '/data/text', reason: 'must be text without NUL characters' }]);
  });

  it('points at the parent when an unknown name is too long to point at', () => {
    const name = 'x'.repeat(2_000);
    expect(errorsOf(appeal((e) => (e.data[name] = 1)))).toEqual([{ pointer: '/data', reason: `unknown property "${'x'.repeat(64)}..." is not allowed` }]);
  });

  it('escapes property names in pointers (RFC 6901)', () => {
    expect(errorsOf(appeal((e) => (e.data['a/b~c'] = 1)))).toEqual([{ pointer: '/data/a~1b~0c', reason: 'unknown property "a/b~c" is not allowed' }]);
  });
});

describe('validateEvent: files', () => {
  const signed = (mutate: (file: Loose) => void) => application((e) => mutate(e.data.files[0]));

  it('rejects a file with both url and contentBase64', () => {
    expect(errorsOf(appeal((e) => (e.data.files[0].contentBase64 = 'AAAA')))).toEqual([{ pointer: '/data/files/0', reason: 'must have either "url" or "contentBase64", not both' }]);
  });

  it('rejects a file with neither, without the branch noise', () => {
    expect(errorsOf(appeal((e) => delete e.data.files[0].url))).toEqual([{ pointer: '/data/files/0', reason: 'must have either "url" or "contentBase64"' }]);
  });

  it('accepts inline content up to the limit', () => {
    const event = appeal((e) => {
      delete e.data.files[0].url;
      e.data.files[0].contentBase64 = 'A'.repeat(MAX_INLINE_FILE_BASE64_LENGTH);
    });
    expect(validateEvent(event).ok).toBe(true);
  });

  it('rejects oversize inline content and says what to do', () => {
    const errors = errorsOf(
      appeal((e) => {
        delete e.data.files[0].url;
        e.data.files[0].contentBase64 = 'A'.repeat(MAX_INLINE_FILE_BASE64_LENGTH + 4);
      }),
    );
    expect(errors).toEqual([
      {
        pointer: '/data/files/0/contentBase64',
        reason: `must be at most ${MAX_INLINE_FILE_BASE64_LENGTH} characters long: inline content is limited by size, send larger files by "url"`,
      },
    ]);
  });

  it('rejects malformed base64', () => {
    const errors = errorsOf(signed((f) => (f.signatures[0].contentBase64 = 'abc')));
    expect(errors).toEqual([
      {
        pointer: '/data/files/0/signatures/0/contentBase64',
        reason: 'must be padded standard base64 (RFC 4648 section 4) without line breaks',
      },
    ]);
  });

  it('rejects a bad sha256', () => {
    expect(errorsOf(appeal((e) => (e.data.files[0].sha256 = 'ABCDEF')))).toEqual([{ pointer: '/data/files/0/sha256', reason: 'must be 64 lowercase hexadecimal characters (a SHA-256 digest)' }]);
  });

  it('rejects a url that is not http(s)', () => {
    expect(errorsOf(appeal((e) => (e.data.files[0].url = 'ftp://files.example/f-1')))).toEqual([{ pointer: '/data/files/0/url', reason: 'must be an http or https URL' }]);
  });

  it('rejects a file name with a path', () => {
    expect(errorsOf(appeal((e) => (e.data.files[0].name = '../../etc/passwd')))).toEqual([
      { pointer: '/data/files/0/name', reason: 'must be a file name without path separators or control characters' },
    ]);
  });

  it('checks detached signatures and forbids signatures of signatures', () => {
    const errors = errorsOf(
      signed((f) => {
        f.signatures[0].format = 'gost';
        f.signatures[0].signatures = [];
      }),
    );
    expect(errors).toEqual([
      { pointer: '/data/files/0/signatures/0/signatures', reason: 'unknown property "signatures" is not allowed' },
      { pointer: '/data/files/0/signatures/0/format', reason: 'must be one of: cades, xades, pades, pkcs7, simple' },
    ]);
  });
});

describe('validateEvent: error reports', () => {
  const email = 'ivan.petrenko@example.com';

  it('never repeats a data value in a reason', () => {
    const event = appeal((e) => {
      e.time = email;
      e.tenant = email;
      e.subject = email;
      e.data.collective = email;
      e.data.kind = email;
      e.data.applicant.contacts.phone = email;
      e.data.applicant.organisationCode = email;
      e.data.applicant.identity.level = email;
      e.data.files[0].sha256 = email;
      e.data.files[0].url = email;
      e.data.submittedAt = email;
      e.data.location.point.lat = email;
    });
    const errors = errorsOf(event);
    expect(errors.length).toBeGreaterThanOrEqual(11);
    for (const error of errors) {
      expect(error.reason).not.toContain('ivan');
      expect(error.reason).not.toContain('example.com');
    }
  });

  it('caps the number of errors and says how many were left out', () => {
    const errors = errorsOf(
      appeal((e) => {
        for (let i = 0; i < 120; i += 1) e.data[`unknown${i}`] = i;
      }),
    );
    expect(errors).toHaveLength(MAX_CONTRACT_ERRORS);
    expect(errors[MAX_CONTRACT_ERRORS - 1]).toEqual({ pointer: '', reason: '71 more errors not shown' });
  });

  it('produces errors that fit a message.rejected event', () => {
    const errors = errorsOf(appeal((e) => (e.data.kind = 'petition')));
    const rejection = exampleEvent('message.rejected') as CloudEvent<Loose>;
    rejection.data.errors = errors;
    expect(validateEvent(rejection).ok).toBe(true);
  });

  it('reports envelope and data problems together', () => {
    const errors = errorsOf(
      appeal((e) => {
        delete e.tenant;
        e.data.kind = 'petition';
      }),
    );
    expect(errors.map((e) => e.pointer)).toEqual(['/tenant', '/data/kind']);
  });
});

describe('validateEvent: volume', () => {
  it('handles 10 000 examples correctly', () => {
    let accepted = 0;
    let rejected = 0;
    for (let i = 0; i < 10_000; i += 1) {
      const type = EVENT_TYPES[i % EVENT_TYPES.length];
      const event = exampleEvent(type, { id: `evt-${i}` }) as Loose;
      // Every tenth event is broken, so the failure path runs at volume too.
      if (i % 10 === 0) delete event.data[(EVENT_CATALOG[type].data as unknown as { required: string[] }).required[0]];
      const result = validateEvent(event);
      if (result.ok) accepted += 1;
      else rejected += 1;
    }
    expect(accepted).toBe(9_000);
    expect(rejected).toBe(1_000);
  });
});
