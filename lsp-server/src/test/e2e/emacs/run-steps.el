;;; run-steps.el --- Drive Emacs + eglot through a Weft session with samples/editors/emacs/weft.el  -*- lexical-binding: t; -*-

;; Run: emacs --batch -l run-steps.el (cwd = the workspace folder; no -Q: Debian's eglot must load).
;; Environment: the same WEFT_E2E_* variables as nvim/run_steps.lua (see ../steps.md).
;; Exit code 0 when every step passed; 1 otherwise, with the reason on stderr.

;;; Code:

(require 'cl-lib)
(require 'subr-x)

(defun weft-e2e--env (k &optional d)
  (let ((v (getenv k))) (if (or (null v) (string-empty-p v)) d v)))

(defvar weft-e2e-out (weft-e2e--env "WEFT_E2E_OUT" "."))
(defvar weft-e2e-timeout (string-to-number (weft-e2e--env "WEFT_E2E_TIMEOUT" "20")))
(defvar weft-e2e-start (float-time))

(defun weft-e2e-log (fmt &rest args)
  (princ (format "[emacs %6.2fs] %s\n" (- (float-time) weft-e2e-start) (apply #'format fmt args))
         #'external-debugging-output))

(defun weft-e2e-read (path)
  (when (file-exists-p path)
    (with-temp-buffer
      (set-buffer-multibyte t)
      (let ((coding-system-for-read 'utf-8-unix)) (insert-file-contents path))
      (buffer-string))))

(defun weft-e2e-write (path text)
  "Write TEXT to PATH through a temporary name, so a driver polling for PATH never reads it half-written."
  (let ((coding-system-for-write 'utf-8-unix)
        (part (concat path ".part")))
    (with-temp-file part (insert text))
    (rename-file part path t)))

(define-error 'weft-e2e-failure "Weft e2e step failed")
(defun weft-e2e-fail (fmt &rest args)
  (signal 'weft-e2e-failure (list (apply #'format fmt args))))

(setq make-backup-files nil create-lockfiles nil auto-save-default nil
      enable-local-variables nil inhibit-message nil)

(load (expand-file-name (weft-e2e--env "WEFT_E2E_CONFIG" "weft.el")) nil t)

(setq weft-user-name (weft-e2e--env "WEFT_E2E_NAME" "emacs")
      weft-color (weft-e2e--env "WEFT_E2E_COLOR")
      weft-relay-url (weft-e2e--env "WEFT_E2E_RELAY")
      weft-transport (weft-e2e--env "WEFT_E2E_TRANSPORT")
      weft-lan-label (weft-e2e--env "WEFT_E2E_LAN_LABEL")
      weft-data-dir (weft-e2e--env "WEFT_E2E_DATA")
      weft-verify-interval 0
      weft-server-command (let ((f (getenv "WEFT_E2E_CMD")))
                            (and f (split-string (weft-e2e-read f) "\n" t))))

(defvar weft-e2e-plain-eglot (weft-e2e--env "WEFT_E2E_PLAIN_EGLOT")
  "Non-nil: eglot's own change batching (`eglot-send-changes-idle-time'), without weft.el's immediate sends.")
(when weft-e2e-plain-eglot
  (setq weft-send-changes-immediately nil))

(defvar weft-e2e-last-input (float-time) "When the steps last typed (the user's last input event).")

(defun weft-e2e-run-idle-timers ()
  "Run eglot's didChange idle timers that are due, as the command loop would.
Batch Emacs never becomes idle, so idle timers never fire; Emacs is idle here since the last keystroke,
and an idle timer armed while already idle long enough runs at once (`run-with-idle-timer' does not wait
for the next idle period)."
  (when (>= (- (float-time) weft-e2e-last-input) eglot-send-changes-idle-time)
    (dolist (b (buffer-list))
      (let ((tm (buffer-local-value 'eglot--change-idle-timer b)))
        (when (timerp tm)
          (cancel-timer tm)
          (with-current-buffer b (apply (timer--function tm) (timer--args tm))))))))

(defun weft-e2e-pause (secs)
  "Process output for SECS; with plain eglot, also its due idle timers."
  (accept-process-output nil secs)
  (when weft-e2e-plain-eglot (weft-e2e-run-idle-timers)))

(defun weft-e2e-wait (what pred)
  "Process events until PRED holds; fail naming WHAT after the timeout."
  (let ((deadline (+ (float-time) weft-e2e-timeout)))
    (while (not (funcall pred))
      (when (> (float-time) deadline)
        (weft-e2e-fail "timed out after %ss waiting for %s" weft-e2e-timeout what))
      (weft-e2e-pause 0.02))))

(defvar weft-e2e-buffer nil "The buffer the steps edit.")

(defun weft-e2e-text ()
  (with-current-buffer weft-e2e-buffer
    (save-restriction (widen) (buffer-substring-no-properties (point-min) (point-max)))))

(defun weft-e2e-unescape (s)
  (replace-regexp-in-string
   "\\\\\\(.\\)" (lambda (m) (pcase (match-string 1 m) ("n" "\n") ("t" "\t") ("r" "\r") (c c))) s t t))

(defun weft-e2e-step-share (path)
  (weft-start default-directory)
  (setq weft-e2e-buffer (find-file-noselect (expand-file-name path)))
  (let ((res (with-current-buffer weft-e2e-buffer (weft-share))))
    (unless (plist-get res :inviteLink) (weft-e2e-fail "weft.share returned no invite link: %S" res))
    (weft-e2e-write (expand-file-name "link.txt" weft-e2e-out) (plist-get res :inviteLink))
    (weft-e2e-write (expand-file-name "share-messages.txt" weft-e2e-out)
                    (with-current-buffer (messages-buffer) (buffer-string)))
    (weft-e2e-log "shared %s: %s" path (plist-get res :inviteLink))))

(defun weft-e2e-step-join (linkfile)
  (weft-e2e-wait (format "invite link in %s" linkfile) (lambda () (file-exists-p linkfile)))
  (let* ((res (weft-join (string-trim (weft-e2e-read linkfile)) default-directory))
         (docs (append (plist-get res :documents) nil)))
    (unless docs (weft-e2e-fail "weft.join returned no documents: %S" res))
    (setq weft-e2e-buffer (find-buffer-visiting (eglot--uri-to-path (car docs))))
    (weft-e2e-log "joined room %s, documents %S" (plist-get res :room) docs)))

(defun weft-e2e-step-open (path)
  (setq weft-e2e-buffer (find-file-noselect (expand-file-name path)))
  (weft-start default-directory)
  (weft--manage weft-e2e-buffer))

(defun weft-e2e-find (anchor)
  (with-current-buffer weft-e2e-buffer
    (goto-char (point-min))
    (unless (search-forward anchor nil t) (weft-e2e-fail "anchor %S not found in buffer" anchor))
    (point)))

(defun weft-e2e-step-type (anchor text)
  (with-current-buffer weft-e2e-buffer
    ;; The caret is a marker: remote edits before it move it, as they move a real cursor.
    (let ((caret (copy-marker (weft-e2e-find anchor) t)))
      (dolist (ch (string-to-list text))
        (goto-char caret)
        (insert ch)
        (setq weft-e2e-last-input (float-time))
        ;; Like a typist: the change goes out (weft.el sends it from a timer) before the next key.
        (weft-e2e-pause 0.005)))))

(defun weft-e2e-step-typeslowly (anchor text delay-ms)
  (with-current-buffer weft-e2e-buffer
    (let ((caret (copy-marker (weft-e2e-find anchor) t))
          (delay (/ (string-to-number delay-ms) 1000.0)))
      (dolist (ch (string-to-list text))
        (goto-char caret)
        (insert ch)
        (setq weft-e2e-last-input (float-time))
        (let ((end (+ (float-time) delay)))
          (while (< (float-time) end) (weft-e2e-pause 0.01)))))))

(defun weft-e2e-step-keys (ms)
  "Input events without buffer changes (cursor movement) for MS: Emacs is not idle."
  (let ((end (+ (float-time) (/ (string-to-number ms) 1000.0))))
    (while (< (float-time) end)
      (setq weft-e2e-last-input (float-time))
      (weft-e2e-pause 0.02))))

(defun weft-e2e-step-delete (text)
  (with-current-buffer weft-e2e-buffer
    (let ((end (weft-e2e-find text)))
      (delete-region (- end (length text)) end)
      (setq weft-e2e-last-input (float-time)))))

(defun weft-e2e-step-wait (text)
  (weft-e2e-wait (format "buffer to contain %S" text)
                 (lambda () (string-search text (weft-e2e-text)))))

(defun weft-e2e-step-gone (text)
  (weft-e2e-wait (format "buffer to lose %S" text)
                 (lambda () (not (string-search text (weft-e2e-text))))))

(defun weft-e2e-step-lacks (text)
  (when (string-search text (weft-e2e-text))
    (weft-e2e-fail "buffer contains %S but must not (yet)" text)))

(defun weft-e2e-step-expect (file)
  (let ((want (or (weft-e2e-read file) (weft-e2e-fail "missing expected-content file %s" file))))
    (condition-case nil
        (weft-e2e-wait "the expected text" (lambda () (equal want (weft-e2e-text))))
      (weft-e2e-failure
       (weft-e2e-fail "buffer never became the expected text (%d chars, have %d)"
                      (length want) (length (weft-e2e-text)))))))

(defun weft-e2e-step-signal (name)
  (weft-e2e-write (expand-file-name name weft-e2e-out) "ok\n"))
(defun weft-e2e-step-await (path)
  (weft-e2e-wait (format "file %s" path) (lambda () (file-exists-p path))))

(defun weft-e2e-step-settle ()
  (let ((deadline (+ (float-time) weft-e2e-timeout)) st)
    (while (progn (with-current-buffer weft-e2e-buffer (weft--flush))
                  (setq st (weft--execute 'weft.status))
                  (not (and (equal (plist-get st :state) "connected")
                            (eql 0 (or (plist-get st :unsent) 0)))))
      (when (> (float-time) deadline)
        (weft-e2e-fail "timed out waiting for all changes to be acknowledged; last status %S" st))
      (weft-e2e-pause 0.05))))

(defun weft-e2e-step-state (want)
  (let ((deadline (+ (float-time) weft-e2e-timeout)) st)
    (while (progn (setq st (weft--execute 'weft.status))
                  (not (member (plist-get st :state) (split-string want "|"))))
      (when (> (float-time) deadline)
        (weft-e2e-fail "timed out waiting for state %s; last status %S" want st))
      (weft-e2e-pause 0.05))))

(defun weft-e2e-step-verify ()
  (let (res done)
    (with-current-buffer weft-e2e-buffer (weft-verify (lambda (r) (setq res r done t))))
    (weft-e2e-wait "weft/verify reply" (lambda () done))
    (unless (eq (plist-get res :ok) t) (weft-e2e-fail "weft/verify did not confirm the buffer: %S" res))))

(defun weft-e2e-step-cursor (name)
  (weft-e2e-wait (format "remote cursor of %s" name)
                 (lambda () (with-current-buffer weft-e2e-buffer
                              (cl-some (lambda (ov) (equal (overlay-get ov 'weft-name) name))
                                       weft--overlays)))))

(defun weft-e2e-step-select (text)
  (with-current-buffer weft-e2e-buffer
    (goto-char (weft-e2e-find text))
    (weft--send-selection)))

(defun weft-e2e-step-follow (name)
  (with-current-buffer weft-e2e-buffer (weft-follow name)))

(defun weft-e2e-step-caret (text)
  (weft-e2e-wait (format "the caret after %S" text)
                 (lambda () (with-current-buffer weft-e2e-buffer
                              (save-excursion
                                (goto-char (point-min))
                                (and (search-forward text nil t)
                                     (= (point) (window-point (get-buffer-window weft-e2e-buffer t)))))))))

(defun weft-e2e-step-nomessage (text)
  (let ((msgs (with-current-buffer (messages-buffer) (buffer-string))))
    (when (string-match-p (regexp-quote text) msgs)
      (weft-e2e-fail "the messages contain %S:\n%s" text msgs))))

(defun weft-e2e-step-undo ()
  (with-current-buffer weft-e2e-buffer (weft-undo)))

(defun weft-e2e-step-redo ()
  (with-current-buffer weft-e2e-buffer (weft-redo)))

(defun weft-e2e-step-blame (name)
  "M-x weft-blame; the overlays' text, \"line<TAB>text\" per annotated line, goes to OUT/NAME."
  (let ((lines (with-current-buffer weft-e2e-buffer
                 (weft-blame)
                 (mapcar (lambda (ov) (format "%d\t%s\n" (line-number-at-pos (overlay-start ov))
                                              (substring-no-properties (overlay-get ov 'after-string))))
                         (sort (copy-sequence weft--blame-overlays)
                               (lambda (a b) (< (overlay-start a) (overlay-start b))))))))
    (with-temp-file (expand-file-name name weft-e2e-out)
      (apply #'insert lines))))

(defun weft-e2e-step-stagemine ()
  (with-current-buffer weft-e2e-buffer (weft-stage-mine)))

(defun weft-e2e-step-gitcommit (message)
  (with-current-buffer weft-e2e-buffer (weft-commit message)))

(defun weft-e2e-step-command (name &optional args expected)
  (let* ((args (if (and args (not (string-empty-p args)))
                   (json-parse-string args :object-type 'plist :array-type 'list) nil))
         (res (with-current-buffer weft-e2e-buffer
                (apply #'weft--execute (intern name) args))))
    (when (and expected (not (string-empty-p expected)))
      (cl-loop for (k v) on (json-parse-string expected :object-type 'plist :array-type 'list) by #'cddr
               unless (equal (plist-get res k) v)
               do (weft-e2e-fail "%s: %s = %S, expected %S" name k (plist-get res k) v)))))

(defun weft-e2e-step-servertext (command)
  (with-current-buffer weft-e2e-buffer (weft--flush))
  (let ((res (with-current-buffer weft-e2e-buffer
               (weft--execute (intern command) (list :uri (weft--uri weft-e2e-buffer))))))
    (unless (equal res (weft-e2e-text))
      (weft-e2e-fail "server text %S differs from buffer %S" res (weft-e2e-text)))))

(defun weft-e2e-step-dump (name)
  (weft-e2e-write (expand-file-name name weft-e2e-out) (weft-e2e-text)))

(defun weft-e2e-step-sleep (ms)
  (let ((end (+ (float-time) (/ (string-to-number ms) 1000.0))))
    (while (< (float-time) end)
      (weft-e2e-pause (min 0.02 (max 0.001 (- end (float-time))))))))

(defun weft-e2e-run ()
  (let ((n 0))
    (dolist (line (split-string (weft-e2e-read (weft-e2e--env "WEFT_E2E_STEPS" "steps.txt")) "\n" t))
      (cl-incf n)
      (unless (string-prefix-p "#" line)
        (let* ((fields (split-string line "\t"))
               (fn (intern-soft (concat "weft-e2e-step-" (car fields)))))
          (unless (fboundp fn) (weft-e2e-fail "unknown step %S on line %d" (car fields) n))
          (weft-e2e-log "step %d: %s" n line)
          (condition-case err
              (apply fn (mapcar #'weft-e2e-unescape (cdr fields)))
            (error (weft-e2e-fail "step %d (%s) failed: %s" n line
                                  (if (eq (car err) 'weft-e2e-failure) (cadr err)
                                    (error-message-string err))))))))))

(condition-case err
    (progn
      (weft-e2e-run)
      (weft-e2e-log "all steps passed")
      (ignore-errors (let ((eglot-autoshutdown nil)) (eglot-shutdown weft-server nil 3)))
      (kill-emacs 0))
  (error
   (let ((reason (if (eq (car err) 'weft-e2e-failure) (cadr err) (error-message-string err))))
     (weft-e2e-log "FAILED: %s" reason)
     (ignore-errors (weft-e2e-write (expand-file-name "failed-buffer.txt" weft-e2e-out) (weft-e2e-text)))
     (weft-e2e-write (expand-file-name "failure.txt" weft-e2e-out) (concat reason "\n"))
     (ignore-errors
       (when weft-server
         (with-current-buffer (jsonrpc-events-buffer weft-server)
           (weft-e2e-write (expand-file-name "eglot-events.txt" weft-e2e-out) (buffer-string)))))
     (kill-emacs 1))))

;;; run-steps.el ends here
