import { Button, Input, Select, Textarea } from '@fluentui/react-components';
import { AddRegular, ArrowDownloadRegular, ArrowUploadRegular, CallRegular, DeleteRegular, EditRegular, SearchRegular } from '@fluentui/react-icons';
import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { NUMBER_LABELS, searchContacts, type Contact, type ContactInput, type NumberLabel } from '../../../src/contacts';
import type { FieldError } from '../../../src/result';
import { useApp } from '../store';
import { FormField } from './FormField';

const EMPTY: ContactInput = { name: '', organization: null, numbers: [{ label: 'work', number: '' }], email: null, note: null };

function ContactForm({ initial, onDone }: { initial: ContactInput; onDone: () => void }): React.JSX.Element {
  const { t } = useTranslation();
  const save = useApp((s) => s.saveContact);
  const [values, setValues] = useState<ContactInput>(initial);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const err = (field: string): string | undefined => {
    const e = errors.find((x) => x.field === field);
    return e && t(`errors.${e.code}`, { defaultValue: e.message });
  };
  const setNumber = (i: number, patch: Partial<{ label: NumberLabel; number: string }>): void =>
    setValues({ ...values, numbers: values.numbers.map((n, j) => (j === i ? { ...n, ...patch } : n)) });
  return (
    <form
      className="contact-form"
      aria-labelledby="contact-form-title"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save(values).then((r) => (r.ok ? onDone() : setErrors(r.errors)));
      }}
    >
      <h3 id="contact-form-title">{initial.id ? t('contacts.edit') : t('contacts.add')}</h3>
      {errors.length > 0 && (
        <p role="alert" className="error">
          {t('settings.errorsTitle')}
        </p>
      )}
      <FormField id="contact-name" label={t('contacts.name')} required error={err('name')}>
        <Input id="contact-name" value={values.name} aria-required onChange={(_, d) => setValues({ ...values, name: d.value })} />
      </FormField>
      <FormField id="contact-org" label={t('contacts.organization')} error={err('organization')}>
        <Input id="contact-org" value={values.organization ?? ''} onChange={(_, d) => setValues({ ...values, organization: d.value || null })} />
      </FormField>
      {values.numbers.map((n, i) => (
        <div className="contact-number" key={i}>
          <FormField id={`contact-number-${i}`} label={t('contacts.number', { n: i + 1 })} error={err(`numbers[${i}].number`)}>
            <Input id={`contact-number-${i}`} inputMode="tel" value={n.number} onChange={(_, d) => setNumber(i, { number: d.value })} />
          </FormField>
          <FormField id={`contact-label-${i}`} label={t('contacts.label')}>
            <Select id={`contact-label-${i}`} value={n.label} onChange={(_, d) => setNumber(i, { label: d.value as NumberLabel })}>
              {NUMBER_LABELS.map((l) => (
                <option key={l} value={l}>
                  {t(`contacts.labels.${l}`)}
                </option>
              ))}
            </Select>
          </FormField>
        </div>
      ))}
      {values.numbers.length < 8 && (
        <Button size="small" appearance="subtle" icon={<AddRegular />} onClick={() => setValues({ ...values, numbers: [...values.numbers, { label: 'mobile', number: '' }] })}>
          {t('contacts.addNumber')}
        </Button>
      )}
      <FormField id="contact-email" label={t('contacts.email')} error={err('email')}>
        <Input id="contact-email" type="email" value={values.email ?? ''} onChange={(_, d) => setValues({ ...values, email: d.value || null })} />
      </FormField>
      <FormField id="contact-note" label={t('contacts.note')} error={err('note')}>
        <Textarea id="contact-note" value={values.note ?? ''} onChange={(_, d) => setValues({ ...values, note: d.value || null })} />
      </FormField>
      <div className="call-controls">
        <Button onClick={onDone}>{t('address.cancel')}</Button>
        <Button type="submit" appearance="primary">
          {t('contacts.save')}
        </Button>
      </div>
    </form>
  );
}

function ContactItem({ contact: c, onEdit }: { contact: Contact; onEdit: () => void }): React.JSX.Element {
  const { t } = useTranslation();
  const call = useApp((s) => s.callNumber);
  const remove = useApp((s) => s.deleteContact);
  const [confirming, setConfirming] = useState(false);
  return (
    <li className="contact-item" data-testid="contact">
      <div className="contact-head">
        <p className="history-who">{c.name}</p>
        {c.organization && <p className="history-detail">{c.organization}</p>}
      </div>
      <ul className="contact-numbers">
        {c.numbers.map((n, i) => (
          <li key={i}>
            <span className="history-detail">{t(`contacts.labels.${n.label}`)}</span> {n.number}{' '}
            <Button size="small" icon={<CallRegular />} aria-label={t('history.redial', { who: `${c.name} (${n.number})` })} onClick={() => call(n.number)}>
              {t('history.call')}
            </Button>
          </li>
        ))}
      </ul>
      <div className="call-controls">
        <Button size="small" appearance="subtle" icon={<EditRegular />} aria-label={t('contacts.editOne', { name: c.name })} onClick={onEdit}>
          {t('contacts.editShort')}
        </Button>
        {confirming ? (
          <>
            <Button size="small" appearance="primary" autoFocus onClick={() => setConfirming(false)}>
              {t('history.clearNo')}
            </Button>
            <Button size="small" icon={<DeleteRegular />} onClick={() => void remove(c.id)}>
              {t('contacts.deleteYes', { name: c.name })}
            </Button>
          </>
        ) : (
          <Button size="small" appearance="subtle" icon={<DeleteRegular />} aria-label={t('contacts.deleteOne', { name: c.name })} onClick={() => setConfirming(true)}>
            {t('contacts.delete')}
          </Button>
        )}
      </div>
    </li>
  );
}

/** The local address book: search, add, edit, delete, vCard import and export. */
export function ContactsView(): React.JSX.Element {
  const { t } = useTranslation();
  const contacts = useApp((s) => s.contacts);
  const country = useApp((s) => s.host?.emergency.homeCountry);
  const importContacts = useApp((s) => s.importContacts);
  const exportContacts = useApp((s) => s.exportContacts);
  const [query, setQuery] = useState('');
  const [editing, setEditing] = useState<ContactInput | null>(null);
  const [imported, setImported] = useState<string | null>(null);
  const file = useRef<HTMLInputElement>(null);
  const shown = useMemo(() => (query.trim() ? searchContacts(contacts ?? [], query, 200, country) : (contacts ?? [])), [contacts, query, country]);
  if (editing) return <ContactForm initial={editing} onDone={() => setEditing(null)} />;
  const download = (): void =>
    void exportContacts().then((text) => {
      const a = document.createElement('a');
      a.href = URL.createObjectURL(new Blob([text], { type: 'text/vcard' }));
      a.download = 'contacts.vcf';
      a.click();
      URL.revokeObjectURL(a.href);
    });
  return (
    <section className="contacts" aria-labelledby="contacts-title" data-testid="contacts">
      <h2 id="contacts-title" className="visually-hidden">
        {t('nav.contacts')}
      </h2>
      <div className="call-controls">
        <Button appearance="primary" icon={<AddRegular />} onClick={() => setEditing(EMPTY)}>
          {t('contacts.add')}
        </Button>
        <Button icon={<ArrowUploadRegular />} onClick={() => file.current?.click()}>
          {t('contacts.import')}
        </Button>
        <Button icon={<ArrowDownloadRegular />} disabled={!contacts?.length} onClick={download}>
          {t('contacts.export')}
        </Button>
        <input
          ref={file}
          type="file"
          accept=".vcf,text/vcard,text/x-vcard"
          hidden
          data-testid="contacts-file"
          onChange={(e) => {
            const f = e.target.files?.[0];
            e.target.value = '';
            if (!f) return;
            void f
              .text()
              .then(importContacts)
              .then((r) => setImported(t('contacts.imported', { count: r.imported, skipped: r.skipped.length })))
              .catch((err: unknown) => setImported(t('contacts.importFailed', { message: err instanceof Error ? err.message : String(err) })));
          }}
        />
      </div>
      {imported && (
        <p role="status" data-testid="contacts-imported">
          {imported}
        </p>
      )}
      <FormField id="contacts-search" label={t('contacts.search')}>
        <Input id="contacts-search" type="search" contentBefore={<SearchRegular />} value={query} onChange={(_, d) => setQuery(d.value)} />
      </FormField>
      {shown.length === 0 ? (
        <p className="history-empty">{contacts?.length ? t('contacts.none') : t('contacts.empty')}</p>
      ) : (
        <ul className="history-list">
          {shown.map((c) => (
            <ContactItem key={c.id} contact={c} onEdit={() => setEditing({ ...c })} />
          ))}
        </ul>
      )}
      <p className="hint">{t('contacts.local')}</p>
    </section>
  );
}
