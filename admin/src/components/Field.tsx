import { type ReactNode, type Ref, useId } from 'react';

interface FieldBase {
  label: string;
  /** The schema's message for this field, shown under it and tied to it with aria-describedby. */
  error?: string | undefined;
  hint?: ReactNode;
  /** Label read by screen readers only (e.g. in a table whose column header already says it). */
  labelHidden?: boolean;
  disabled?: boolean;
  /** Called when the control loses focus: the page shows its error from then on. */
  onBlur?: () => void;
}

/** Ties a control to its hint and error (rendered by `FieldMessages` with the same `id`), and marks it invalid. */
function messageProps(id: string, hint: unknown, error: unknown) {
  const ids = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean);
  return { 'aria-invalid': error ? true : undefined, 'aria-describedby': ids.length > 0 ? ids.join(' ') : undefined };
}

function FieldMessages({ id, hint, error }: { id: string; hint?: ReactNode; error?: string | undefined }) {
  return (
    <>
      {hint && (
        <span id={`${id}-hint`} className="field-hint">
          {hint}
        </span>
      )}
      {error && (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      )}
    </>
  );
}

/** A text or select field's box: the label above the control (`children`, whose id is `id`), hint and error below. */
function LabelledField({ id, label, labelHidden, hint, error, children }: FieldBase & { id: string; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id} className={labelHidden ? 'visually-hidden' : undefined}>
        {label}
      </label>
      {children}
      <FieldMessages id={id} hint={hint} error={error} />
    </div>
  );
}

export function TextField({
  label,
  value,
  onChange,
  error,
  hint,
  labelHidden,
  disabled,
  onBlur,
  type = 'text',
  inputRef,
  autoComplete,
  inputMode,
  placeholder,
  title,
}: FieldBase & {
  value: string;
  onChange: (value: string) => void;
  type?: 'text' | 'password';
  inputRef?: Ref<HTMLInputElement>;
  autoComplete?: string;
  inputMode?: 'numeric' | 'text';
  placeholder?: string;
  /** Shown on hover: the whole value, where the box is narrower than a long code. */
  title?: string | undefined;
}) {
  const id = useId();
  return (
    <LabelledField id={id} label={label} labelHidden={labelHidden} hint={hint} error={error}>
      <input
        id={id}
        ref={inputRef}
        type={type}
        value={value}
        disabled={disabled}
        autoComplete={autoComplete ?? 'off'}
        inputMode={inputMode}
        placeholder={placeholder}
        title={title}
        spellCheck={false}
        {...messageProps(id, hint, error)}
        onBlur={onBlur}
        onChange={(event) => onChange(event.target.value)}
      />
    </LabelledField>
  );
}

export function SelectField<V extends string>({
  label,
  value,
  options,
  onChange,
  error,
  hint,
  labelHidden,
  disabled,
  onBlur,
}: FieldBase & { value: V; options: ReadonlyArray<{ value: V; label: string }>; onChange: (value: V) => void }) {
  const id = useId();
  return (
    <LabelledField id={id} label={label} labelHidden={labelHidden} hint={hint} error={error}>
      <select
        id={id}
        value={value}
        disabled={disabled}
        {...messageProps(id, hint, error)}
        onBlur={onBlur}
        onChange={(event) => onChange(event.target.value as V)}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </LabelledField>
  );
}

export function CheckboxField({
  label,
  checked,
  onChange,
  error,
  hint,
  labelHidden,
  disabled,
  onBlur,
}: FieldBase & { checked: boolean; onChange: (checked: boolean) => void }) {
  const id = useId();
  return (
    <div className="field field-checkbox">
      <input
        id={id}
        type="checkbox"
        checked={checked}
        disabled={disabled}
        {...messageProps(id, hint, error)}
        onBlur={onBlur}
        onChange={(event) => onChange(event.target.checked)}
      />
      <label htmlFor={id} className={labelHidden ? 'visually-hidden' : undefined}>
        {label}
      </label>
      <FieldMessages id={id} hint={hint} error={error} />
    </div>
  );
}
