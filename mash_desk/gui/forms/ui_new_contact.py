# source-sha256: 9a7c6454e3c2a4f7c09fb3c2b0ed4a888319b66ba2839ca22e76f269ce37e2c4
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'new_contact.ui'
##
## Created by: Qt User Interface Compiler version 6.11.3
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import (QCoreApplication, QDate, QDateTime, QLocale,
    QMetaObject, QObject, QPoint, QRect,
    QSize, QTime, QUrl, Qt)
from PySide6.QtGui import (QBrush, QColor, QConicalGradient, QCursor,
    QFont, QFontDatabase, QGradient, QIcon,
    QImage, QKeySequence, QLinearGradient, QPainter,
    QPalette, QPixmap, QRadialGradient, QTransform)
from PySide6.QtWidgets import (QApplication, QComboBox, QDateTimeEdit, QFormLayout,
    QFrame, QGroupBox, QHBoxLayout, QLabel,
    QLineEdit, QListWidget, QListWidgetItem, QPlainTextEdit,
    QPushButton, QScrollArea, QSizePolicy, QSpacerItem,
    QVBoxLayout, QWidget)

class Ui_NewContactForm(object):
    def setupUi(self, NewContactForm):
        if not NewContactForm.objectName():
            NewContactForm.setObjectName(u"NewContactForm")
        NewContactForm.resize(1180, 760)
        self.mainLayout = QVBoxLayout(NewContactForm)
        self.mainLayout.setObjectName(u"mainLayout")
        self.titleLabel = QLabel(NewContactForm)
        self.titleLabel.setObjectName(u"titleLabel")
        self.titleLabel.setStyleSheet(u"font-size: 15pt; font-weight: bold;")

        self.mainLayout.addWidget(self.titleLabel)

        self.hintLabel = QLabel(NewContactForm)
        self.hintLabel.setObjectName(u"hintLabel")
        self.hintLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.hintLabel)

        self.formError = QLabel(NewContactForm)
        self.formError.setObjectName(u"formError")
        self.formError.setWordWrap(True)

        self.mainLayout.addWidget(self.formError)

        self.scrollArea = QScrollArea(NewContactForm)
        self.scrollArea.setObjectName(u"scrollArea")
        self.scrollArea.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scrollArea.setFrameShape(QFrame.Shape.NoFrame)
        self.scrollArea.setWidgetResizable(True)
        self.scrollContents = QWidget()
        self.scrollContents.setObjectName(u"scrollContents")
        self.contentLayout = QHBoxLayout(self.scrollContents)
        self.contentLayout.setObjectName(u"contentLayout")
        self.contentLayout.setContentsMargins(0, 0, 0, 0)
        self.contactGroup = QGroupBox(self.scrollContents)
        self.contactGroup.setObjectName(u"contactGroup")
        self.contactLayout = QFormLayout(self.contactGroup)
        self.contactLayout.setObjectName(u"contactLayout")
        self.contactLayout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.receivedAtLabel = QLabel(self.contactGroup)
        self.receivedAtLabel.setObjectName(u"receivedAtLabel")

        self.contactLayout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.receivedAtLabel)

        self.receivedAt = QDateTimeEdit(self.contactGroup)
        self.receivedAt.setObjectName(u"receivedAt")
        self.receivedAt.setCalendarPopup(True)

        self.contactLayout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.receivedAt)

        self.receivedAtError = QLabel(self.contactGroup)
        self.receivedAtError.setObjectName(u"receivedAtError")
        self.receivedAtError.setWordWrap(True)

        self.contactLayout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.receivedAtError)

        self.channelLabel = QLabel(self.contactGroup)
        self.channelLabel.setObjectName(u"channelLabel")

        self.contactLayout.setWidget(2, QFormLayout.ItemRole.LabelRole, self.channelLabel)

        self.channel = QComboBox(self.contactGroup)
        self.channel.setObjectName(u"channel")

        self.contactLayout.setWidget(2, QFormLayout.ItemRole.FieldRole, self.channel)

        self.channelError = QLabel(self.contactGroup)
        self.channelError.setObjectName(u"channelError")
        self.channelError.setWordWrap(True)

        self.contactLayout.setWidget(3, QFormLayout.ItemRole.FieldRole, self.channelError)

        self.referrerNameLabel = QLabel(self.contactGroup)
        self.referrerNameLabel.setObjectName(u"referrerNameLabel")

        self.contactLayout.setWidget(4, QFormLayout.ItemRole.LabelRole, self.referrerNameLabel)

        self.referrerName = QLineEdit(self.contactGroup)
        self.referrerName.setObjectName(u"referrerName")

        self.contactLayout.setWidget(4, QFormLayout.ItemRole.FieldRole, self.referrerName)

        self.referrerNameError = QLabel(self.contactGroup)
        self.referrerNameError.setObjectName(u"referrerNameError")
        self.referrerNameError.setWordWrap(True)

        self.contactLayout.setWidget(5, QFormLayout.ItemRole.FieldRole, self.referrerNameError)

        self.referrerRoleLabel = QLabel(self.contactGroup)
        self.referrerRoleLabel.setObjectName(u"referrerRoleLabel")

        self.contactLayout.setWidget(6, QFormLayout.ItemRole.LabelRole, self.referrerRoleLabel)

        self.referrerRole = QLineEdit(self.contactGroup)
        self.referrerRole.setObjectName(u"referrerRole")

        self.contactLayout.setWidget(6, QFormLayout.ItemRole.FieldRole, self.referrerRole)

        self.referrerRoleError = QLabel(self.contactGroup)
        self.referrerRoleError.setObjectName(u"referrerRoleError")
        self.referrerRoleError.setWordWrap(True)

        self.contactLayout.setWidget(7, QFormLayout.ItemRole.FieldRole, self.referrerRoleError)

        self.referrerAgencyLabel = QLabel(self.contactGroup)
        self.referrerAgencyLabel.setObjectName(u"referrerAgencyLabel")

        self.contactLayout.setWidget(8, QFormLayout.ItemRole.LabelRole, self.referrerAgencyLabel)

        self.referrerAgency = QLineEdit(self.contactGroup)
        self.referrerAgency.setObjectName(u"referrerAgency")

        self.contactLayout.setWidget(8, QFormLayout.ItemRole.FieldRole, self.referrerAgency)

        self.referrerAgencyError = QLabel(self.contactGroup)
        self.referrerAgencyError.setObjectName(u"referrerAgencyError")
        self.referrerAgencyError.setWordWrap(True)

        self.contactLayout.setWidget(9, QFormLayout.ItemRole.FieldRole, self.referrerAgencyError)

        self.referrerPhoneLabel = QLabel(self.contactGroup)
        self.referrerPhoneLabel.setObjectName(u"referrerPhoneLabel")

        self.contactLayout.setWidget(10, QFormLayout.ItemRole.LabelRole, self.referrerPhoneLabel)

        self.referrerPhone = QLineEdit(self.contactGroup)
        self.referrerPhone.setObjectName(u"referrerPhone")

        self.contactLayout.setWidget(10, QFormLayout.ItemRole.FieldRole, self.referrerPhone)

        self.referrerPhoneError = QLabel(self.contactGroup)
        self.referrerPhoneError.setObjectName(u"referrerPhoneError")
        self.referrerPhoneError.setWordWrap(True)

        self.contactLayout.setWidget(11, QFormLayout.ItemRole.FieldRole, self.referrerPhoneError)

        self.referrerEmailLabel = QLabel(self.contactGroup)
        self.referrerEmailLabel.setObjectName(u"referrerEmailLabel")

        self.contactLayout.setWidget(12, QFormLayout.ItemRole.LabelRole, self.referrerEmailLabel)

        self.referrerEmail = QLineEdit(self.contactGroup)
        self.referrerEmail.setObjectName(u"referrerEmail")

        self.contactLayout.setWidget(12, QFormLayout.ItemRole.FieldRole, self.referrerEmail)

        self.referrerEmailError = QLabel(self.contactGroup)
        self.referrerEmailError.setObjectName(u"referrerEmailError")
        self.referrerEmailError.setWordWrap(True)

        self.contactLayout.setWidget(13, QFormLayout.ItemRole.FieldRole, self.referrerEmailError)

        self.referralSourceLabel = QLabel(self.contactGroup)
        self.referralSourceLabel.setObjectName(u"referralSourceLabel")

        self.contactLayout.setWidget(14, QFormLayout.ItemRole.LabelRole, self.referralSourceLabel)

        self.referralSource = QComboBox(self.contactGroup)
        self.referralSource.setObjectName(u"referralSource")

        self.contactLayout.setWidget(14, QFormLayout.ItemRole.FieldRole, self.referralSource)

        self.referralSourceError = QLabel(self.contactGroup)
        self.referralSourceError.setObjectName(u"referralSourceError")
        self.referralSourceError.setWordWrap(True)

        self.contactLayout.setWidget(15, QFormLayout.ItemRole.FieldRole, self.referralSourceError)

        self.concernsLabel = QLabel(self.contactGroup)
        self.concernsLabel.setObjectName(u"concernsLabel")

        self.contactLayout.setWidget(16, QFormLayout.ItemRole.LabelRole, self.concernsLabel)

        self.concerns = QPlainTextEdit(self.contactGroup)
        self.concerns.setObjectName(u"concerns")
        self.concerns.setMinimumSize(QSize(0, 130))
        self.concerns.setTabChangesFocus(True)

        self.contactLayout.setWidget(16, QFormLayout.ItemRole.FieldRole, self.concerns)

        self.concernsError = QLabel(self.contactGroup)
        self.concernsError.setObjectName(u"concernsError")
        self.concernsError.setWordWrap(True)

        self.contactLayout.setWidget(17, QFormLayout.ItemRole.FieldRole, self.concernsError)

        self.riskIndicatorsLabel = QLabel(self.contactGroup)
        self.riskIndicatorsLabel.setObjectName(u"riskIndicatorsLabel")

        self.contactLayout.setWidget(18, QFormLayout.ItemRole.LabelRole, self.riskIndicatorsLabel)

        self.riskIndicators = QListWidget(self.contactGroup)
        self.riskIndicators.setObjectName(u"riskIndicators")
        self.riskIndicators.setMinimumSize(QSize(0, 150))
        self.riskIndicators.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.riskIndicators.setWordWrap(True)

        self.contactLayout.setWidget(18, QFormLayout.ItemRole.FieldRole, self.riskIndicators)

        self.riskIndicatorsError = QLabel(self.contactGroup)
        self.riskIndicatorsError.setObjectName(u"riskIndicatorsError")
        self.riskIndicatorsError.setWordWrap(True)

        self.contactLayout.setWidget(19, QFormLayout.ItemRole.FieldRole, self.riskIndicatorsError)

        self.attachmentsLabel = QLabel(self.contactGroup)
        self.attachmentsLabel.setObjectName(u"attachmentsLabel")

        self.contactLayout.setWidget(20, QFormLayout.ItemRole.LabelRole, self.attachmentsLabel)

        self.attachmentsList = QListWidget(self.contactGroup)
        self.attachmentsList.setObjectName(u"attachmentsList")
        self.attachmentsList.setMaximumSize(QSize(16777215, 90))

        self.contactLayout.setWidget(20, QFormLayout.ItemRole.FieldRole, self.attachmentsList)

        self.attachmentButtons = QHBoxLayout()
        self.attachmentButtons.setObjectName(u"attachmentButtons")
        self.addAttachmentButton = QPushButton(self.contactGroup)
        self.addAttachmentButton.setObjectName(u"addAttachmentButton")

        self.attachmentButtons.addWidget(self.addAttachmentButton)

        self.removeAttachmentButton = QPushButton(self.contactGroup)
        self.removeAttachmentButton.setObjectName(u"removeAttachmentButton")

        self.attachmentButtons.addWidget(self.removeAttachmentButton)


        self.contactLayout.setLayout(21, QFormLayout.ItemRole.FieldRole, self.attachmentButtons)

        self.attachmentsError = QLabel(self.contactGroup)
        self.attachmentsError.setObjectName(u"attachmentsError")
        self.attachmentsError.setWordWrap(True)

        self.contactLayout.setWidget(22, QFormLayout.ItemRole.FieldRole, self.attachmentsError)


        self.contentLayout.addWidget(self.contactGroup, 0, Qt.AlignmentFlag.AlignTop)

        self.childrenGroup = QGroupBox(self.scrollContents)
        self.childrenGroup.setObjectName(u"childrenGroup")
        self.childrenGroupLayout = QVBoxLayout(self.childrenGroup)
        self.childrenGroupLayout.setObjectName(u"childrenGroupLayout")
        self.childrenError = QLabel(self.childrenGroup)
        self.childrenError.setObjectName(u"childrenError")
        self.childrenError.setWordWrap(True)

        self.childrenGroupLayout.addWidget(self.childrenError)

        self.childrenArea = QWidget(self.childrenGroup)
        self.childrenArea.setObjectName(u"childrenArea")
        self.childrenLayout = QVBoxLayout(self.childrenArea)
        self.childrenLayout.setObjectName(u"childrenLayout")
        self.childrenLayout.setContentsMargins(0, 0, 0, 0)

        self.childrenGroupLayout.addWidget(self.childrenArea)

        self.addChildLayout = QHBoxLayout()
        self.addChildLayout.setObjectName(u"addChildLayout")
        self.addChildButton = QPushButton(self.childrenGroup)
        self.addChildButton.setObjectName(u"addChildButton")

        self.addChildLayout.addWidget(self.addChildButton)

        self.addChildSpacer = QSpacerItem(40, 20, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.addChildLayout.addItem(self.addChildSpacer)


        self.childrenGroupLayout.addLayout(self.addChildLayout)


        self.contentLayout.addWidget(self.childrenGroup, 0, Qt.AlignmentFlag.AlignTop)

        self.contentLayout.setStretch(0, 5)
        self.contentLayout.setStretch(1, 6)
        self.scrollArea.setWidget(self.scrollContents)

        self.mainLayout.addWidget(self.scrollArea)

        self.bottomLayout = QHBoxLayout()
        self.bottomLayout.setObjectName(u"bottomLayout")
        self.statusLabel = QLabel(NewContactForm)
        self.statusLabel.setObjectName(u"statusLabel")
        sizePolicy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        sizePolicy.setHorizontalStretch(1)
        sizePolicy.setVerticalStretch(0)
        sizePolicy.setHeightForWidth(self.statusLabel.sizePolicy().hasHeightForWidth())
        self.statusLabel.setSizePolicy(sizePolicy)
        self.statusLabel.setWordWrap(True)
        self.statusLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.bottomLayout.addWidget(self.statusLabel)

        self.saveButton = QPushButton(NewContactForm)
        self.saveButton.setObjectName(u"saveButton")

        self.bottomLayout.addWidget(self.saveButton)


        self.mainLayout.addLayout(self.bottomLayout)

#if QT_CONFIG(shortcut)
        self.receivedAtLabel.setBuddy(self.receivedAt)
        self.channelLabel.setBuddy(self.channel)
        self.referrerNameLabel.setBuddy(self.referrerName)
        self.referrerRoleLabel.setBuddy(self.referrerRole)
        self.referrerAgencyLabel.setBuddy(self.referrerAgency)
        self.referrerPhoneLabel.setBuddy(self.referrerPhone)
        self.referrerEmailLabel.setBuddy(self.referrerEmail)
        self.referralSourceLabel.setBuddy(self.referralSource)
        self.concernsLabel.setBuddy(self.concerns)
        self.riskIndicatorsLabel.setBuddy(self.riskIndicators)
        self.attachmentsLabel.setBuddy(self.attachmentsList)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.receivedAt, self.channel)
        QWidget.setTabOrder(self.channel, self.referrerName)
        QWidget.setTabOrder(self.referrerName, self.referrerRole)
        QWidget.setTabOrder(self.referrerRole, self.referrerAgency)
        QWidget.setTabOrder(self.referrerAgency, self.referrerPhone)
        QWidget.setTabOrder(self.referrerPhone, self.referrerEmail)
        QWidget.setTabOrder(self.referrerEmail, self.referralSource)
        QWidget.setTabOrder(self.referralSource, self.concerns)
        QWidget.setTabOrder(self.concerns, self.riskIndicators)
        QWidget.setTabOrder(self.riskIndicators, self.attachmentsList)
        QWidget.setTabOrder(self.attachmentsList, self.addAttachmentButton)
        QWidget.setTabOrder(self.addAttachmentButton, self.removeAttachmentButton)
        QWidget.setTabOrder(self.removeAttachmentButton, self.addChildButton)
        QWidget.setTabOrder(self.addChildButton, self.saveButton)

        self.retranslateUi(NewContactForm)

        self.saveButton.setDefault(False)


        QMetaObject.connectSlotsByName(NewContactForm)
    # setupUi

    def retranslateUi(self, NewContactForm):
        NewContactForm.setWindowTitle(QCoreApplication.translate("NewContactForm", u"New contact", None))
#if QT_CONFIG(accessibility)
        NewContactForm.setAccessibleName(QCoreApplication.translate("NewContactForm", u"New contact form", None))
#endif // QT_CONFIG(accessibility)
        self.titleLabel.setText(QCoreApplication.translate("NewContactForm", u"New contact", None))
#if QT_CONFIG(accessibility)
        self.titleLabel.setAccessibleName(QCoreApplication.translate("NewContactForm", u"New contact", None))
#endif // QT_CONFIG(accessibility)
        self.hintLabel.setText(QCoreApplication.translate("NewContactForm", u"Fields marked * are required. Ctrl+S or Ctrl+Enter saves the contact; Ctrl+Shift+N adds another child. What you type is kept as a draft every few seconds.", None))
        self.formError.setText("")
#if QT_CONFIG(accessibility)
        self.formError.setAccessibleName(QCoreApplication.translate("NewContactForm", u"Problems with this contact", None))
#endif // QT_CONFIG(accessibility)
        self.contactGroup.setTitle(QCoreApplication.translate("NewContactForm", u"Contact", None))
        self.receivedAtLabel.setText(QCoreApplication.translate("NewContactForm", u"R&eceived at *", None))
#if QT_CONFIG(accessibility)
        self.receivedAt.setAccessibleName(QCoreApplication.translate("NewContactForm", u"Received at", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(tooltip)
        self.receivedAt.setToolTip(QCoreApplication.translate("NewContactForm", u"When the contact reached the MASH (local time); the decision clock starts here", None))
#endif // QT_CONFIG(tooltip)
        self.receivedAt.setDisplayFormat(QCoreApplication.translate("NewContactForm", u"dd/MM/yyyy HH:mm", None))
        self.channelLabel.setText(QCoreApplication.translate("NewContactForm", u"C&hannel *", None))
#if QT_CONFIG(accessibility)
        self.channel.setAccessibleName(QCoreApplication.translate("NewContactForm", u"Channel", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(tooltip)
        self.channel.setToolTip(QCoreApplication.translate("NewContactForm", u"How the contact reached the MASH", None))
#endif // QT_CONFIG(tooltip)
        self.referrerNameLabel.setText(QCoreApplication.translate("NewContactForm", u"Referrer's &name", None))
#if QT_CONFIG(accessibility)
        self.referrerName.setAccessibleName(QCoreApplication.translate("NewContactForm", u"Referrer's name", None))
#endif // QT_CONFIG(accessibility)
        self.referrerName.setPlaceholderText(QCoreApplication.translate("NewContactForm", u"Who is telling us", None))
        self.referrerRoleLabel.setText(QCoreApplication.translate("NewContactForm", u"Referrer's r&ole", None))
#if QT_CONFIG(accessibility)
        self.referrerRole.setAccessibleName(QCoreApplication.translate("NewContactForm", u"Referrer's role", None))
#endif // QT_CONFIG(accessibility)
        self.referrerRole.setPlaceholderText(QCoreApplication.translate("NewContactForm", u"e.g. class teacher, health visitor, neighbour", None))
        self.referrerAgencyLabel.setText(QCoreApplication.translate("NewContactForm", u"Referrer's a&gency", None))
#if QT_CONFIG(accessibility)
        self.referrerAgency.setAccessibleName(QCoreApplication.translate("NewContactForm", u"Referrer's agency", None))
#endif // QT_CONFIG(accessibility)
        self.referrerAgency.setPlaceholderText(QCoreApplication.translate("NewContactForm", u"School, practice, force or service", None))
        self.referrerPhoneLabel.setText(QCoreApplication.translate("NewContactForm", u"Referrer's &phone", None))
#if QT_CONFIG(accessibility)
        self.referrerPhone.setAccessibleName(QCoreApplication.translate("NewContactForm", u"Referrer's phone", None))
#endif // QT_CONFIG(accessibility)
        self.referrerPhone.setPlaceholderText(QCoreApplication.translate("NewContactForm", u"For feedback, e.g. 020 7946 0000", None))
        self.referrerEmailLabel.setText(QCoreApplication.translate("NewContactForm", u"Referrer's e-mai&l", None))
#if QT_CONFIG(accessibility)
        self.referrerEmail.setAccessibleName(QCoreApplication.translate("NewContactForm", u"Referrer's e-mail", None))
#endif // QT_CONFIG(accessibility)
        self.referrerEmail.setPlaceholderText(QCoreApplication.translate("NewContactForm", u"For feedback, e.g. name@school.example.org", None))
        self.referralSourceLabel.setText(QCoreApplication.translate("NewContactForm", u"Referral &source *", None))
#if QT_CONFIG(accessibility)
        self.referralSource.setAccessibleName(QCoreApplication.translate("NewContactForm", u"Referral source (CIN census code)", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(tooltip)
        self.referralSource.setToolTip(QCoreApplication.translate("NewContactForm", u"CIN census referral source: type the code, e.g. 2A for schools or 6 for police", None))
#endif // QT_CONFIG(tooltip)
        self.referralSource.setPlaceholderText(QCoreApplication.translate("NewContactForm", u"Choose the CIN referral source", None))
        self.concernsLabel.setText(QCoreApplication.translate("NewContactForm", u"&Concerns *", None))
#if QT_CONFIG(accessibility)
        self.concerns.setAccessibleName(QCoreApplication.translate("NewContactForm", u"Concerns", None))
#endif // QT_CONFIG(accessibility)
        self.concerns.setPlaceholderText(QCoreApplication.translate("NewContactForm", u"What was reported, by whom, and what the child said or was seen to happen", None))
        self.riskIndicatorsLabel.setText(QCoreApplication.translate("NewContactForm", u"Risk &indicators", None))
#if QT_CONFIG(accessibility)
        self.riskIndicators.setAccessibleName(QCoreApplication.translate("NewContactForm", u"Risk indicators", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(accessibility)
        self.riskIndicators.setAccessibleDescription(QCoreApplication.translate("NewContactForm", u"Use the arrow keys to move and Space to tick or untick an indicator", None))
#endif // QT_CONFIG(accessibility)
        self.attachmentsLabel.setText(QCoreApplication.translate("NewContactForm", u"A&ttachments", None))
#if QT_CONFIG(accessibility)
        self.attachmentsList.setAccessibleName(QCoreApplication.translate("NewContactForm", u"Attachments", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(accessibility)
        self.attachmentsList.setAccessibleDescription(QCoreApplication.translate("NewContactForm", u"The referral form or e-mail the referrer sent. Delete removes the chosen file", None))
#endif // QT_CONFIG(accessibility)
        self.addAttachmentButton.setText(QCoreApplication.translate("NewContactForm", u"Attach a file\u2026", None))
#if QT_CONFIG(accessibility)
        self.addAttachmentButton.setAccessibleName(QCoreApplication.translate("NewContactForm", u"Attach a file", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(tooltip)
        self.addAttachmentButton.setToolTip(QCoreApplication.translate("NewContactForm", u"Attach the referral form or e-mail (PDF, Word .docx, .eml, PNG or JPEG)", None))
#endif // QT_CONFIG(tooltip)
        self.removeAttachmentButton.setText(QCoreApplication.translate("NewContactForm", u"Remove file", None))
#if QT_CONFIG(accessibility)
        self.removeAttachmentButton.setAccessibleName(QCoreApplication.translate("NewContactForm", u"Remove the chosen attachment", None))
#endif // QT_CONFIG(accessibility)
        self.childrenGroup.setTitle(QCoreApplication.translate("NewContactForm", u"Children on this contact", None))
        self.addChildButton.setText(QCoreApplication.translate("NewContactForm", u"&Add another child", None))
#if QT_CONFIG(accessibility)
        self.addChildButton.setAccessibleName(QCoreApplication.translate("NewContactForm", u"Add another child", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(tooltip)
        self.addChildButton.setToolTip(QCoreApplication.translate("NewContactForm", u"Add another child to this contact (Ctrl+Shift+N)", None))
#endif // QT_CONFIG(tooltip)
#if QT_CONFIG(accessibility)
        self.statusLabel.setAccessibleName(QCoreApplication.translate("NewContactForm", u"Save status", None))
#endif // QT_CONFIG(accessibility)
        self.saveButton.setText(QCoreApplication.translate("NewContactForm", u"Save contact", None))
#if QT_CONFIG(accessibility)
        self.saveButton.setAccessibleName(QCoreApplication.translate("NewContactForm", u"Save contact", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(tooltip)
        self.saveButton.setToolTip(QCoreApplication.translate("NewContactForm", u"Save the contact and put its children in the work queue (Ctrl+S or Ctrl+Enter)", None))
#endif // QT_CONFIG(tooltip)
    # retranslateUi

