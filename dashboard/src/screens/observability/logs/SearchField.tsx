import { TextInput } from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { useState } from 'react';

/** A text filter typed freely, written to the URL (and so queried) once the person pauses. */
export function SearchField({
  label,
  value,
  onSearch,
}: {
  label: string;
  value: string;
  onSearch: (text: string) => void;
}) {
  const [text, setText] = useState(value);
  const search = useDebouncedCallback(onSearch, 400);
  return (
    <TextInput
      label={label}
      placeholder="Text in the message"
      value={text}
      maxLength={200}
      onChange={(e) => {
        setText(e.currentTarget.value);
        search(e.currentTarget.value.trim());
      }}
      onKeyDown={(e) => {
        if (e.key === 'Enter') onSearch(text.trim());
      }}
      w={220}
    />
  );
}
