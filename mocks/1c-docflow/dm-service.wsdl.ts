import { DM_NS, escapeXml } from './dm-xml.codec';

/** The SOAPAction of the single operation. */
export const DM_SOAP_ACTION = 'http://www.1c.ru/dm#DMService:execute';

/** `[name, type, occurs]`: occurs '' = exactly one, '?' = optional, '*' = any number. */
type Field = [string, string, ('' | '?' | '*')?];

interface TypeDef {
  name: string;
  base?: string;
  abstract?: boolean;
  fields: Field[];
}

// The modelled subset of DMService's XDTO package. Names and order of the document-specific
// fields are this mock's assumption (external-systems.md §1.3 marks them [UNK]); the mock's
// answers follow these sequences exactly.
const TYPES: TypeDef[] = [
  {
    name: 'DMObjectID',
    fields: [
      ['id', 'xs:string'],
      ['type', 'xs:string'],
      ['presentation', 'xs:string', '?'],
      ['navigationRef', 'xs:string', '?'],
    ],
  },
  {
    name: 'DMExternalObject',
    fields: [
      ['id', 'xs:string'],
      ['type', 'xs:string'],
      ['name', 'xs:string', '?'],
    ],
  },
  {
    name: 'DMObject',
    fields: [
      ['name', 'xs:string', '?'],
      ['objectID', 'tns:DMObjectID', '?'],
      ['externalObject', 'tns:DMExternalObject', '?'],
      ['deletionMark', 'xs:boolean', '?'],
    ],
  },
  { name: 'DMCorrespondent', base: 'DMObject', fields: [] },
  { name: 'DMUser', base: 'DMObject', fields: [] },
  { name: 'DMDocumentState', base: 'DMObject', fields: [] },
  { name: 'DMDocumentType', base: 'DMObject', fields: [] },
  // A document's additional property and its value in one element (external-systems.md §1.3 [CODE]).
  { name: 'DMAdditionalProperty', base: 'DMObject', fields: [['propertySimpleValue', 'xs:anySimpleType', '?']] },
  {
    name: 'DMDocumentStateRecord',
    fields: [
      ['state', 'tns:DMDocumentState'],
      ['date', 'xs:dateTime'],
      ['author', 'tns:DMUser', '?'],
      ['comment', 'xs:string', '?'],
    ],
  },
  {
    name: 'DMDocument',
    base: 'DMObject',
    abstract: true,
    fields: [
      ['title', 'xs:string', '?'],
      ['summary', 'xs:string', '?'],
      ['documentType', 'tns:DMDocumentType', '?'],
      ['regNumber', 'xs:string', '?'],
      ['regDate', 'xs:dateTime', '?'],
      ['state', 'tns:DMDocumentState', '?'],
      ['states', 'tns:DMDocumentStateRecord', '*'],
      ['modificationDateUniversal', 'xs:dateTime', '?'],
      ['additionalProperties', 'tns:DMAdditionalProperty', '*'],
    ],
  },
  {
    name: 'DMIncomingDocument',
    base: 'DMDocument',
    fields: [
      ['sender', 'tns:DMCorrespondent', '?'],
      ['incomingNumber', 'xs:string', '?'],
      ['incomingDate', 'xs:dateTime', '?'],
      ['responsible', 'tns:DMUser', '?'],
      ['answerDocument', 'tns:DMObject', '?'],
      ['relatedDocuments', 'tns:DMObject', '*'],
    ],
  },
  {
    name: 'DMInternalDocument',
    base: 'DMDocument',
    fields: [
      ['author', 'tns:DMUser', '?'],
      ['responsible', 'tns:DMUser', '?'],
      ['answerDocument', 'tns:DMObject', '?'],
      ['relatedDocuments', 'tns:DMObject', '*'],
    ],
  },
  {
    name: 'DMOutgoingDocument',
    base: 'DMDocument',
    fields: [
      ['addressee', 'tns:DMCorrespondent', '?'],
      ['author', 'tns:DMUser', '?'],
      ['inReplyTo', 'tns:DMObject', '?'],
    ],
  },
  {
    name: 'DMFile',
    base: 'DMObject',
    fields: [
      ['owner', 'tns:DMObject', '?'],
      ['extension', 'xs:string', '?'],
      ['size', 'xs:long', '?'],
      ['description', 'xs:string', '?'],
      ['creationDate', 'xs:dateTime', '?'],
      ['modificationDate', 'xs:dateTime', '?'],
      ['modificationDateUniversal', 'xs:dateTime', '?'],
      ['activeVersionExtension', 'xs:string', '?'],
      ['activeVersionSize', 'xs:long', '?'],
      ['binaryData', 'xs:base64Binary', '?'],
    ],
  },
  {
    name: 'DMObjectQueryCondition',
    fields: [
      ['property', 'xs:string'],
      ['value', 'xs:anyType'],
      ['comparisonOperator', 'xs:string', '?'],
    ],
  },
  {
    name: 'DMObjectQuery',
    fields: [
      ['conditions', 'tns:DMObjectQueryCondition', '*'],
      ['columnSet', 'xs:string', '*'],
      ['limit', 'xs:int', '?'],
    ],
  },
  { name: 'DMObjectListItem', fields: [['object', 'tns:DMObject']] },

  { name: 'DMRequest', abstract: true, fields: [['dataBaseID', 'xs:string', '?']] },
  { name: 'DMGetVersionRequest', base: 'DMRequest', fields: [] },
  { name: 'DMGetCurrentUserRequest', base: 'DMRequest', fields: [] },
  { name: 'DMCreateRequest', base: 'DMRequest', fields: [['object', 'tns:DMObject']] },
  {
    name: 'DMAddFileRequest',
    base: 'DMRequest',
    fields: [
      ['file', 'tns:DMFile'],
      ['owner', 'tns:DMObject'],
    ],
  },
  {
    name: 'DMRetrieveRequest',
    base: 'DMRequest',
    fields: [
      ['objectIds', 'tns:DMObjectID', '*'],
      ['columnSet', 'xs:string', '*'],
    ],
  },
  {
    name: 'DMGetObjectListRequest',
    base: 'DMRequest',
    fields: [
      ['type', 'xs:string'],
      ['query', 'tns:DMObjectQuery', '?'],
      ['columnSet', 'xs:string', '*'],
    ],
  },
  {
    name: 'DMGetFileListByOwnerRequest',
    base: 'DMRequest',
    fields: [
      ['owners', 'tns:DMObject', '*'],
      ['columnSet', 'xs:string', '*'],
    ],
  },

  { name: 'DMResponse', abstract: true, fields: [] },
  { name: 'DMGetVersionResponse', base: 'DMResponse', fields: [['versionNumber', 'xs:string']] },
  { name: 'DMGetCurrentUserResponse', base: 'DMResponse', fields: [['user', 'tns:DMUser']] },
  { name: 'DMCreateResponse', base: 'DMResponse', fields: [['object', 'tns:DMObject']] },
  { name: 'DMAddFileResponse', base: 'DMResponse', fields: [['file', 'tns:DMFile']] },
  { name: 'DMRetrieveResponse', base: 'DMResponse', fields: [['objects', 'tns:DMObject', '*']] },
  {
    name: 'DMGetObjectListResponse',
    base: 'DMResponse',
    fields: [
      ['items', 'tns:DMObjectListItem', '*'],
      ['tooManyObjects', 'xs:boolean'],
    ],
  },
  { name: 'DMGetFileListByOwnerResponse', base: 'DMResponse', fields: [['files', 'tns:DMFile', '*']] },
  {
    name: 'DMError',
    base: 'DMResponse',
    fields: [
      ['subject', 'xs:string'],
      ['description', 'xs:string', '?'],
    ],
  },
];

function field([name, type, occurs = '']: Field): string {
  const min = occurs === '' ? '' : ' minOccurs="0"';
  const max = occurs === '*' ? ' maxOccurs="unbounded"' : '';
  const nillable = occurs === '?' || name === 'name' ? ' nillable="true"' : '';
  return `<xs:element name="${name}" type="${type}"${min}${max}${nillable}/>`;
}

function complexType(t: TypeDef): string {
  const abstract = t.abstract ? ' abstract="true"' : '';
  const seq = `<xs:sequence>${t.fields.map(field).join('')}</xs:sequence>`;
  const body = t.base ? `<xs:complexContent><xs:extension base="tns:${t.base}">${seq}</xs:extension></xs:complexContent>` : seq;
  return `\n   <xs:complexType name="${t.name}"${abstract}>${body}</xs:complexType>`;
}

/**
 * The WSDL 1.1 of DMService: one document/literal operation `execute` whose `request` is an
 * abstract `DMRequest` and whose `return` is an abstract `DMResponse`; the concrete type
 * travels in xsi:type.
 *
 * @param location the endpoint URL written into `soap:address`
 */
export function renderWsdl(location: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="${DM_NS}" name="DMService" targetNamespace="${DM_NS}">
 <types>
  <xs:schema targetNamespace="${DM_NS}" elementFormDefault="qualified" attributeFormDefault="unqualified">${TYPES.map(complexType).join('')}
   <xs:element name="execute"><xs:complexType><xs:sequence><xs:element name="request" type="tns:DMRequest"/></xs:sequence></xs:complexType></xs:element>
   <xs:element name="executeResponse"><xs:complexType><xs:sequence><xs:element name="return" type="tns:DMResponse"/></xs:sequence></xs:complexType></xs:element>
  </xs:schema>
 </types>
 <message name="executeRequestMessage"><part name="parameters" element="tns:execute"/></message>
 <message name="executeResponseMessage"><part name="parameters" element="tns:executeResponse"/></message>
 <portType name="DMServicePortType">
  <operation name="execute"><input message="tns:executeRequestMessage"/><output message="tns:executeResponseMessage"/></operation>
 </portType>
 <binding name="DMServiceSoapBinding" type="tns:DMServicePortType">
  <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
  <operation name="execute">
   <soap:operation style="document" soapAction="${DM_SOAP_ACTION}"/>
   <input><soap:body use="literal"/></input>
   <output><soap:body use="literal"/></output>
  </operation>
 </binding>
 <service name="DMService">
  <port name="DMServiceSoap" binding="tns:DMServiceSoapBinding"><soap:address location="${escapeXml(location, true)}"/></port>
 </service>
</definitions>
`;
}
