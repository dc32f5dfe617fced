;;; weft.el --- Real-time co-editing in Emacs through the Weft language server  -*- lexical-binding: t; -*-

;; Works with Emacs 28 + eglot 1.9 (Debian: apt-get install emacs elpa-eglot) and with the eglot built
;; into Emacs 29 and later.
;;
;; Install: copy this file to ~/.emacs.d/lisp/weft.el and add to your init file
;;
;;   (add-to-list 'load-path "~/.emacs.d/lisp")
;;   (require 'weft)
;;   (setq weft-server-jar "/path/to/weft-server.jar"   ; or set $WEFT_SERVER_JAR
;;         weft-user-name "Ada"                         ; default: git user.name, then $USER
;;         weft-color "#2f81f7"
;;         weft-relay-url "http://127.0.0.1:7420")
;;
;; Commands: M-x weft-share (share the current buffer, invite link copied to the kill ring),
;; weft-join (paste an invite link; its files open), weft-leave, weft-undo, weft-redo, weft-pause,
;; weft-resume, weft-status, weft-verify, weft-follow (keep your view on a participant's caret);
;; in a shared workspace in a git repository: weft-blame (who typed each line's uncommitted characters),
;; weft-stage-mine (your changes into the index), weft-commit (with Co-authored-by trailers).
;;
;; How it works: eglot runs `java -jar weft-server.jar' for the buffers of `weft-major-modes' under the
;; session's folder; commands are workspace/executeCommand calls; remote edits arrive as
;; workspace/applyEdit (applied without confirmation, `eglot-confirm-server-initiated-edits' is nil);
;; local edits are sent at once instead of after eglot's idle delay; other participants' cursors
;; (weft/remoteCursors) are drawn as overlays in their colour with their name.  Eglot 1.9 runs one
;; server per project and major-mode list, so a session covers the files of `weft-major-modes'.

;;; Code:

(require 'cl-lib)
(require 'eglot)
(require 'jsonrpc)
(require 'project)

(defgroup weft nil "Real-time co-editing through the Weft language server." :group 'tools)

(defcustom weft-server-jar (or (getenv "WEFT_SERVER_JAR")
                               (expand-file-name "~/.local/share/weft/weft-server.jar"))
  "Path of weft-server.jar." :type 'file)

(defcustom weft-java (let ((home (getenv "JAVA_HOME")))
                       (if (and home (file-executable-p (expand-file-name "bin/java" home)))
                           (expand-file-name "bin/java" home)
                         "java"))
  "Java 17 or newer used to run the server." :type 'string)

(defcustom weft-server-command nil
  "Full server command (a list of strings); nil means `weft-java' -jar `weft-server-jar'."
  :type '(choice (const nil) (repeat string)))

(defcustom weft-user-name nil
  "Your name as other participants see it; nil means git's user.name, then $USER."
  :type '(choice (const nil) string))

(defcustom weft-user-email nil
  "Your e-mail for the Co-authored-by trailers of `weft-commit' (sent with your presence).
nil means git's user.email."
  :type '(choice (const nil) string))

(defcustom weft-color nil
  "Your cursor colour (\"#rrggbb\"); nil lets the server choose." :type '(choice (const nil) string))

(defcustom weft-relay-url nil
  "Relay used by `weft-share'; nil means the server's default (http://127.0.0.1:7420)."
  :type '(choice (const nil) string))

(defcustom weft-transport nil
  "How `weft-share' reaches a new room: \"relay\", \"direct\" (relay plus direct links) or \"lan\" (no relay).
nil means the server's default (relay).  A weft://lan?... link is always joined over the LAN."
  :type '(choice (const nil) (const "relay") (const "direct") (const "lan")))

(defcustom weft-lan-label nil
  "LAN rooms you share: the label advertised on the network; nil means none."
  :type '(choice (const nil) string))

(defcustom weft-lan-peers nil
  "LAN rooms: peers to dial as \"host:port,...\" besides those found by multicast DNS."
  :type '(choice (const nil) string))

(defcustom weft-data-dir nil
  "Directory of the server's offline journal; nil means the server's per-user default."
  :type '(choice (const nil) directory))

(defcustom weft-major-modes '(latex-mode tex-mode plain-tex-mode bibtex-mode text-mode markdown-mode
                              org-mode java-mode python-mode c-mode c++-mode js-mode emacs-lisp-mode
                              sh-mode)
  "Major modes whose buffers a Weft session manages." :type '(repeat symbol))

(defcustom weft-send-changes-immediately t
  "Send each change to the server at once, instead of after `eglot-send-changes-idle-time'.
Also reports a server edit right after applying it.  nil leaves eglot's own batching (the server copes
with it; remote edits then wait while you type, since eglot refuses them until your batch is sent)."
  :type 'boolean)

(defcustom weft-verify-interval 3
  "Seconds between automatic weft/verify checks of shared buffers (0 turns them off)."
  :type 'number)

(defvar weft-server nil "The eglot server of the current Weft session, or nil.")
(defvar weft-status nil "Latest weft/status payload (a plist).")
(defvar weft-last-share nil "Result of the latest `weft-share' (a plist with :room :inviteLink ...).")
(defvar weft-remote-cursors (make-hash-table :test #'equal)
  "Latest remote cursors per uri (vector of plists), as sent by weft/remoteCursors.")
(defvar weft--roots nil "Folders of Weft sessions; files under them form one eglot project.")
(defvar weft--verify-timer nil)
(defvar-local weft--overlays nil "Remote cursor overlays of this buffer.")
(defvar weft-following nil "Name of the participant `weft-follow' follows, or nil.")

;; Server edits must not wait for a y/n answer.
(setq eglot-confirm-server-initiated-edits nil)

(defun weft--user-name ()
  (or weft-user-name
      (let ((git (ignore-errors (string-trim (shell-command-to-string "git config --get user.name")))))
        (and git (not (string-empty-p git)) git))
      (getenv "USER")
      "emacs"))

(defun weft--init-options ()
  "The initializationOptions plist, without nil entries (they would encode as {})."
  (let (opts)
    (dolist (kv `((:dataDir . ,weft-data-dir) (:relayUrl . ,weft-relay-url)
                  (:color . ,weft-color) (:userName . ,(weft--user-name))
                  (:userEmail . ,weft-user-email)
                  (:transport . ,weft-transport) (:lanLabel . ,weft-lan-label)
                  (:lanPeers . ,weft-lan-peers)
                  (:reportsSelection . t) (:drawsCursors . t)))
      (when (cdr kv) (setq opts (append (list (car kv) (cdr kv)) opts))))
    opts))

(cl-defun weft--contact ()
  "The eglot contact that starts the server."
  (when weft-server-command
    (cl-return-from weft--contact
      `(,@weft-server-command :initializationOptions ,(weft--init-options))))
  (unless (executable-find weft-java)
    (user-error "Weft: Java 17 or newer is required (apt-get install openjdk-17-jre, or set `weft-java')"))
  (unless (file-readable-p weft-server-jar)
    (user-error "Weft: server jar not found: %s (set `weft-server-jar' or $WEFT_SERVER_JAR)" weft-server-jar))
  `(,weft-java "-jar" ,(expand-file-name weft-server-jar) "--stdio"
               :initializationOptions ,(weft--init-options)))

;; Files under a session folder belong to one project, so that they share one server.
(defun weft--project-find (dir)
  (let ((dir (file-name-as-directory (expand-file-name dir))))
    (cl-loop for root in weft--roots
             when (string-prefix-p root dir) return (cons 'transient root))))
(add-hook 'project-find-functions #'weft--project-find)

(defun weft--live-p ()
  (and weft-server (jsonrpc-running-p weft-server)))

(defun weft-start (&optional root)
  "Start the Weft server for folder ROOT (default: the current buffer's project or directory)."
  (interactive)
  (if (weft--live-p)
      weft-server
    (let* ((root (file-name-as-directory
                  (expand-file-name (or root
                                        (let ((p (project-current))) (and p (project-root p)))
                                        default-directory))))
           (default-directory root)
           (eglot-sync-connect 30))
      (cl-pushnew root weft--roots :test #'equal)
      (setq weft-server (eglot weft-major-modes (cons 'transient root) 'eglot-lsp-server
                               (weft--contact) "plaintext"))
      (weft--start-verify-timer)
      weft-server)))

(defcustom weft-command-timeout 120
  "Seconds to wait for a Weft command (share, join, ...) before giving up.
Joining a large room or a slow relay takes longer than jsonrpc's default of 10 seconds."
  :type 'integer :group 'weft)

(defun weft--execute (command &rest args)
  "Run Weft COMMAND with ARGS (plists) through workspace/executeCommand; return its result.
Waits up to `weft-command-timeout' seconds."
  (unless (weft--live-p) (weft-start))
  (let ((jsonrpc-default-request-timeout weft-command-timeout))
    (eglot-execute-command weft-server command (vconcat args))))

(defun weft--uri (&optional buffer)
  (eglot--path-to-uri (buffer-file-name (or buffer (current-buffer)))))

(defun weft--manage (buffer)
  "Make BUFFER managed by the Weft server (sends didOpen)."
  (with-current-buffer buffer
    (unless (and eglot--managed-mode (eq (eglot-current-server) weft-server))
      (when eglot--managed-mode (eglot--managed-mode -1))
      (setq eglot--cached-server weft-server)
      (eglot--maybe-activate-editing-mode))))

(defun weft--keep-line-endings (buffer)
  "Re-read BUFFER byte for byte if Emacs decoded its CRLF (or CR) line endings away.
Otherwise eglot would describe an LF text to the server, and the shared document would lose the file's
line endings."
  (with-current-buffer buffer
    (when (memq (coding-system-eol-type buffer-file-coding-system) '(1 2))
      (if (buffer-modified-p)
          (user-error "Weft: save %s first (its CRLF line endings must be re-read before sharing)"
                      (buffer-name))
        (let ((coding-system-for-read 'utf-8-unix))
          (revert-buffer t t t))))))

;;;###autoload
(defun weft-share ()
  "Share the current buffer in a new session; the invite link goes to the kill ring."
  (interactive)
  (unless buffer-file-name (user-error "Weft: save the buffer to a file first"))
  (let ((buf (current-buffer)))
    (weft--keep-line-endings buf)
    (weft-start)
    (weft--manage buf)
    (let* ((args (append (and weft-relay-url (list :relayUrl weft-relay-url))
                         (list :uris (vector (weft--uri buf)))))
           (res (apply #'weft--execute 'weft.share (list args))))
      (setq weft-last-share res)
      (when (plist-get res :inviteLink)
        (kill-new (plist-get res :inviteLink))
        (message "Weft: sharing; invite link (copied): %s%s" (plist-get res :inviteLink)
                 (if (plist-get res :readOnlyInviteLink)
                     (format "  read-only link: %s" (plist-get res :readOnlyInviteLink))
                   "")))
      res)))

;;;###autoload
(defun weft-share-workspace (&optional folder)
  "Share the whole project FOLDER (default: the current project or directory): every file not ignored,
kept in sync on disk, also files never opened.  The invite link goes to the kill ring."
  (interactive)
  (weft-start folder)
  (let* ((args (if weft-relay-url (list :relayUrl weft-relay-url) (make-hash-table)))
         (res (weft--execute 'weft.shareWorkspace args)))
    (setq weft-last-share res)
    (when (plist-get res :inviteLink)
      (kill-new (plist-get res :inviteLink))
      (message "Weft: sharing the workspace (%s files); invite link (copied): %s"
               (plist-get res :files) (plist-get res :inviteLink)))
    res))

;;;###autoload
(defun weft-join (link &optional folder)
  "Join the session of invite LINK; its files are placed under FOLDER (default: current directory)."
  (interactive "sWeft invite link: ")
  (weft-start folder)
  (let* ((res (weft--execute 'weft.join (list :link (string-trim link))))
         (docs (append (plist-get res :documents) nil))
         first)
    (dolist (uri docs)
      ;; Read the shared files byte for byte: with CRLF decoded away, eglot would describe a different text
      ;; (LF) than the one everybody shares (CRLF), and positions would not line up.
      (let ((buf (let ((coding-system-for-read 'utf-8-unix))
                   (find-file-noselect (eglot--uri-to-path uri)))))
        (weft--manage buf)
        (unless first (setq first buf))))
    (when (and first (called-interactively-p 'any)) (switch-to-buffer first))
    (message "Weft: joined room %s (%d documents)" (plist-get res :room) (length docs))
    res))

(defun weft-leave ()
  "Leave the session (your files stay on disk)."
  (interactive)
  (prog1 (weft--execute 'weft.leave)
    (clrhash weft-remote-cursors)
    (dolist (b (buffer-list)) (with-current-buffer b (weft--clear-overlays)))))

(defun weft-undo ()
  "Undo your own last change group in this buffer; collaborators' edits stay."
  (interactive) (weft--flush) (weft--execute 'weft.undo (list :uri (weft--uri))))
(defun weft-redo ()
  "Redo your own last undone change group in this buffer."
  (interactive) (weft--flush) (weft--execute 'weft.redo (list :uri (weft--uri))))
(defun weft-pause ()
  "Stop applying incoming changes to your buffers (they accumulate) until `weft-resume'."
  (interactive) (weft--execute 'weft.pause))
(defun weft-resume ()
  "Apply the changes that arrived while paused, and keep applying them live."
  (interactive) (weft--execute 'weft.resume))

(defvar-local weft--blame-overlays nil "The `weft-blame' overlays of this buffer.")

(defun weft-blame-off ()
  "Remove the `weft-blame' annotations of this buffer."
  (interactive)
  (mapc #'delete-overlay weft--blame-overlays)
  (setq weft--blame-overlays nil))

(defun weft-blame ()
  "Show at the end of each line who typed its uncommitted characters (shared workspaces; docs/git.md).
The annotations are not refreshed while you type: run it again, or `weft-blame-off'.  Returns the result."
  (interactive)
  (let* ((res (weft--execute 'weft.blame (list :uri (weft--uri))))
         (marked 0))
    (weft-blame-off)
    (save-excursion
      (seq-doseq (l (plist-get res :lines))
        (let ((authors (append (plist-get l :authors) nil))
              (line (plist-get l :line)))
          (when (and authors (< line (count-lines (point-min) (point-max))))
            (goto-char (point-min))
            (forward-line line)
            (let ((ov (make-overlay (line-end-position) (line-end-position))))
              (overlay-put ov 'after-string
                           (propertize (concat "  \u270e "
                                               (mapconcat (lambda (a) (if (equal a "?") "someone unknown" a))
                                                          authors ", "))
                                       'face 'shadow))
              (push ov weft--blame-overlays)
              (setq marked (1+ marked)))))))
    (message "Weft: %d lines with uncommitted changes (M-x weft-blame-off hides them)" marked)
    res))

(defun weft--report-problems (res)
  (seq-doseq (p (plist-get res :problems))
    (display-warning 'weft p :warning)))

(defun weft-stage-mine ()
  "Put exactly your changes into the git index; the others' stay in the working tree."
  (interactive)
  (save-some-buffers t (lambda () (weft--weft-buffer-p)))
  (let ((res (weft--execute 'weft.stageMine)))
    (message "Weft: staged your changes in %d files as %s" (length (plist-get res :staged)) (plist-get res :as))
    (weft--report-problems res)
    res))

(defun weft-commit (message)
  "Commit the index with MESSAGE and Co-authored-by trailers for the other authors of the staged changes."
  (interactive "sCommit message: ")
  (when (string-empty-p (string-trim message))
    (user-error "Weft: the commit message must not be empty"))
  (let ((res (weft--execute 'weft.commit (list :message message))))
    (message "Weft: committed %s%s"
             (mapconcat (lambda (c) (substring c 0 7)) (append (plist-get res :commits) nil) ", ")
             (if (> (length (plist-get res :trailers)) 0)
                 (concat " with " (mapconcat #'identity (append (plist-get res :trailers) nil) ", "))
               " (no co-authors)"))
    (weft--report-problems res)
    res))

(defun weft-status ()
  "Show the session status."
  (interactive)
  (let ((st (weft--execute 'weft.status)))
    (setq weft-status st)
    (message "Weft: %s%s%s, room %s, %s unsent, %s repairs, participants: %s"
             (plist-get st :state)
             (pcase (plist-get st :transport)
               ("lan" (format " over the LAN (port %s)" (plist-get st :lanPort)))
               ("direct" (format " with %s direct link(s)" (plist-get st :directPeers)))
               (_ ""))
             (if (eq (plist-get st :paused) t) " (paused)" "")
             (plist-get st :room) (plist-get st :unsent) (plist-get st :repairs)
             (mapconcat (lambda (p) (format "%s" (plist-get p :name)))
                        (append (plist-get st :participants) nil) ", "))
    st))

;;; Sending changes, selections and verification

(defun weft--weft-buffer-p ()
  (and eglot--managed-mode weft-server (eq (eglot-current-server) weft-server)))

(defun weft--flush ()
  "Send pending changes of the current buffer now."
  (when (and (weft--weft-buffer-p) eglot--recent-changes)
    (eglot--signal-textDocument/didChange)))

(defun weft--after-change (&rest _)
  (when weft-send-changes-immediately
    (let ((buf (current-buffer)))
      ;; After the current command (or the server edit being applied) finishes, not inside it.
      (run-at-time 0 nil (lambda ()
                           (when (buffer-live-p buf)
                             (with-current-buffer buf (weft--flush))))))))

(defvar-local weft--last-selection nil)
(defun weft--send-selection ()
  (when (weft--weft-buffer-p)
    (let* ((active (eglot--pos-to-lsp-position (point)))
           (anchor (if (region-active-p) (eglot--pos-to-lsp-position (mark)) active))
           (sel (list anchor active)))
      (unless (equal sel weft--last-selection)
        (setq weft--last-selection sel)
        (weft--flush)
        (jsonrpc-notify weft-server :weft/selection
                        (list :uri (weft--uri) :version eglot--versioned-identifier
                              :selections (vector (list :anchor anchor :active active))))))))

(defun weft--buffer-text-sha256 ()
  (secure-hash 'sha256 (encode-coding-string
                        (save-restriction (widen) (buffer-substring-no-properties (point-min) (point-max)))
                        'utf-8-unix t)))

(defun weft-verify (&optional callback)
  "Ask the server to check this buffer against the shared text (it repairs a difference).
CALLBACK, if given, receives the result plist."
  (interactive)
  (when (weft--weft-buffer-p)
    (weft--flush)
    (jsonrpc-async-request
     weft-server :weft/verify
     (list :uri (weft--uri) :version eglot--versioned-identifier :sha256 (weft--buffer-text-sha256))
     :success-fn (lambda (res)
                   (if callback (funcall callback res)
                     (when (eq (plist-get res :repaired) t)
                       (message "Weft: buffer repaired from the shared copy (%s repairs)"
                                (plist-get res :repairs)))))
     :error-fn (lambda (&rest _)) :timeout-fn (lambda (&rest _)))))

(defun weft--start-verify-timer ()
  (when (and (> weft-verify-interval 0) (not weft--verify-timer))
    (setq weft--verify-timer
          (run-with-timer weft-verify-interval weft-verify-interval
                          (lambda ()
                            (when (and (weft--live-p) (plist-get weft-status :room))
                              (dolist (b (buffer-list))
                                (with-current-buffer b
                                  (when (weft--weft-buffer-p) (weft-verify))))))))))

(defun weft--managed-hook ()
  (when (and weft-server (eq (eglot-current-server) weft-server))
    (if eglot--managed-mode
        (progn
          (add-hook 'after-change-functions #'weft--after-change t t)
          (add-hook 'post-command-hook #'weft--send-selection nil t))
      (remove-hook 'after-change-functions #'weft--after-change t)
      (remove-hook 'post-command-hook #'weft--send-selection t)
      (weft--clear-overlays))))
(add-hook 'eglot-managed-mode-hook #'weft--managed-hook)

(cl-defmethod eglot-handle-request :around (server (_method (eql workspace/applyEdit)) &rest _)
  "Report a server edit (as didChange) as soon as it is applied, before answering.
So the echo of a remote edit never travels in one notification with keystrokes typed after it."
  (prog1 (if (and weft-server (eq server weft-server))
             ;; Quietly: eglot 1.9 echoes "[eglot] applying 1 edits to `main.tex'...done" and "[eglot] Edit
             ;; successful!" for every edit, i.e. on every remote keystroke here. Other servers' edits still say it.
             (let ((inhibit-message t) (message-log-max nil))
               (cl-call-next-method))
           (cl-call-next-method))
    (when (and weft-send-changes-immediately weft-server (eq server weft-server))
      (dolist (b (buffer-list))
        (with-current-buffer b (weft--flush))))))

;;; Notifications from the server

(cl-defmethod eglot-handle-notification (_server (_method (eql weft/status)) &rest params)
  "Remember the session status; announce state changes."
  (let ((old (plist-get weft-status :state)))
    (setq weft-status params)
    ;; The first state ("disconnected", before any session) is no news.
    (unless (or (equal old (plist-get params :state))
                (and (null old) (equal (plist-get params :state) "disconnected")))
      (message "Weft: %s" (plist-get params :state)))))

(defun weft--clear-overlays ()
  (mapc #'delete-overlay weft--overlays)
  (setq weft--overlays nil))

(defun weft--color (c) (if (and (stringp c) (string-match-p "\\`#[0-9a-fA-F]\\{6\\}\\'" c)) c "#888888"))

(defun weft-draw-cursors (uri cursors)
  "Draw (replacing what was there) the remote CURSORS of the buffer visiting URI."
  (let ((buf (find-buffer-visiting (eglot--uri-to-path uri))))
    (when buf
      (with-current-buffer buf
        (weft--clear-overlays)
        (save-restriction
          (widen)
          (cl-loop
           for cursor across cursors
           for color = (weft--color (plist-get cursor :color))
           do (cl-loop
               for sel across (plist-get cursor :selections)
               for active = (eglot--lsp-position-to-point (plist-get sel :active))
               for anchor = (eglot--lsp-position-to-point (or (plist-get sel :anchor) (plist-get sel :active)))
               do (unless (= active anchor)
                    (let ((ov (make-overlay (min active anchor) (max active anchor))))
                      (overlay-put ov 'face `(:background ,color :foreground "white"))
                      (overlay-put ov 'weft-client (plist-get cursor :clientId))
                      (push ov weft--overlays)))
               (let ((ov (make-overlay active (min (1+ active) (point-max)) nil t nil)))
                 (overlay-put ov 'face `(:background ,color :foreground "white"))
                 (overlay-put ov 'after-string
                              (propertize (format "‹%s›" (plist-get cursor :name))
                                          'face `(:foreground ,color :weight bold :height 0.8)))
                 (overlay-put ov 'weft-client (plist-get cursor :clientId))
                 (overlay-put ov 'weft-name (plist-get cursor :name))
                 (push ov weft--overlays)))))))))

(cl-defmethod eglot-handle-notification (_server (_method (eql weft/remoteCursors)) &key uri cursors
                                                 &allow-other-keys)
  "Draw the other participants' cursors."
  (puthash uri cursors weft-remote-cursors)
  (weft-draw-cursors uri cursors)
  (when weft-following (weft--follow-caret uri cursors)))

;;; Following a participant

(defun weft--follow-caret (uri cursors)
  "Show the followed participant's caret, if it is among CURSORS of URI: its buffer, point at the caret."
  (cl-loop
   for cursor across cursors
   when (and (stringp (plist-get cursor :name))
             (eq t (compare-strings (plist-get cursor :name) nil nil weft-following nil nil t))
             (> (length (plist-get cursor :selections)) 0))
   return (let ((buf (find-buffer-visiting (eglot--uri-to-path uri))))
            (when buf
              (let ((pos (with-current-buffer buf
                           (save-restriction
                             (widen)
                             (eglot--lsp-position-to-point
                              (plist-get (aref (plist-get cursor :selections) 0) :active))))))
                (unless (eq (window-buffer) buf) (switch-to-buffer buf))
                (with-current-buffer buf (goto-char pos))
                (set-window-point (selected-window) pos))))))

(defun weft-follow (name)
  "Follow participant NAME: show their buffer and move point to their caret as it moves.
An empty NAME stops following."
  (interactive
   (list (completing-read "Follow (empty: stop): "
                          (mapcar (lambda (p) (plist-get p :name)) (append (plist-get weft-status :participants) nil)))))
  (setq weft-following (and name (not (string-empty-p name)) name))
  (if (not weft-following)
      (message "Weft: not following anybody")
    (message "Weft: following %s (M-x weft-follow with an empty name stops)" weft-following)
    (maphash (lambda (uri cursors) (weft--follow-caret uri cursors)) weft-remote-cursors)))

(provide 'weft)
;;; weft.el ends here
