import { Field, Label } from '@fluentui/react-components';
import { useTranslation } from 'react-i18next';

/**
 * A labelled form field on Fluent's Field (hint and error wired to the control by aria-describedby,
 * aria-invalid on error). The label is ours so that the "(required)" marker stays beside it and out
 * of it: the field's name is its name, and the control's aria-required says the rest.
 */
export function FormField(props: {
  id: string;
  label: string;
  required?: boolean;
  error?: string;
  hint?: string;
  children: React.ReactElement;
}): React.JSX.Element {
  const { t } = useTranslation();
  return (
    <div className="field">
      <div className="field-label">
        <Label htmlFor={props.id}>{props.label}</Label>
        {props.required && (
          <span className="required" aria-hidden="true">
            {' '}
            ({t('address.required')})
          </span>
        )}
      </div>
      <Field hint={props.hint} validationMessage={props.error} validationState={props.error ? 'error' : 'none'}>
        {props.children}
      </Field>
    </div>
  );
}
