// Every action is confirmed in a <dialog>: modal, Escape cancels, focus starts on the safe choice.
import { render } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

interface Props {
  title: string;
  detail?: string;
  action: string;
  danger?: boolean;
  onClose: (confirmed: boolean) => void;
}

function ConfirmDialog({ title, detail, action, danger, onClose }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    element.showModal();
    const cancel = () => onClose(false);
    element.addEventListener('cancel', cancel);
    return () => element.removeEventListener('cancel', cancel);
  }, []);
  return (
    <dialog ref={dialog} class="confirm" aria-labelledby="confirm-title">
      <h2 id="confirm-title">{title}</h2>
      {detail && <p>{detail}</p>}
      <div class="buttons">
        <button type="button" autofocus onClick={() => onClose(false)}>
          Cancel
        </button>
        <button type="button" class={danger ? 'danger' : 'primary'} data-confirm onClick={() => onClose(true)}>
          {action}
        </button>
      </div>
    </dialog>
  );
}

/** Resolves true when the user confirms. */
export function confirm(props: Omit<Props, 'onClose'>): Promise<boolean> {
  const host = document.createElement('div');
  document.body.append(host);
  return new Promise((resolve) => {
    const onClose = (confirmed: boolean) => {
      render(null, host);
      host.remove();
      resolve(confirmed);
    };
    render(<ConfirmDialog {...props} onClose={onClose} />, host);
  });
}
